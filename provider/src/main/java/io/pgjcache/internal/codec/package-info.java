/**
 * Keys and values to and from the bytes stored in PostgreSQL: the {@link io.pgjcache.internal.codec.Codec}s a
 * manager offers by name ({@link io.pgjcache.internal.codec.Codecs}: {@code java}, the
 * {@link io.pgjcache.internal.codec.DefaultCodec}; {@code json}, values as jsonb documents; {@code kryo}), the
 * allow-list every one of them decodes under ({@link io.pgjcache.internal.codec.SerialAllowList}), the optional
 * {@link io.pgjcache.internal.codec.Signer}, {@link io.pgjcache.internal.codec.CacheCodec} (one cache's typed view of
 * its codec, with the size limits, that turns entries its classes can no longer read into misses), and what keys
 * become: their SHA-256 {@link io.pgjcache.internal.codec.KeyDigest}, the
 * {@link io.pgjcache.internal.codec.DigestKey} maps are keyed by, and the remembered encodings of hot keys. SQL and
 * tables are in {@code internal.store}, which depends on this package for digests and value forms and never the
 * other way round.
 */
package io.pgjcache.internal.codec;
