/**
 * Keys and values to and from the bytes stored in PostgreSQL: the {@link io.pgjcache.internal.codec.Codec} (one
 * per manager, {@link io.pgjcache.internal.codec.DefaultCodec}) with its allow-list and optional
 * {@link io.pgjcache.internal.codec.Signer}, {@link io.pgjcache.internal.codec.CacheCodec} (one cache's typed view of
 * it, with the size limits), and what keys become: their SHA-256 {@link io.pgjcache.internal.codec.KeyDigest}, the
 * {@link io.pgjcache.internal.codec.DigestKey} maps are keyed by, and the remembered encodings of hot keys. SQL and
 * tables are in {@code internal.store}, which depends on this package for digests and never the other way round.
 */
package io.pgjcache.internal.codec;
