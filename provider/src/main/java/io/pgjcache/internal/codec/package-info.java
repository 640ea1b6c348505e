/**
 * Keys and values to and from the bytes stored in PostgreSQL: the {@link io.pgjcache.internal.codec.Codec} (one
 * per manager, {@link io.pgjcache.internal.codec.DefaultCodec}), and {@link io.pgjcache.internal.codec.CacheCodec},
 * one cache's typed view of it. SQL and tables are in {@code internal.store}, which knows only bytes and digests.
 */
package io.pgjcache.internal.codec;
