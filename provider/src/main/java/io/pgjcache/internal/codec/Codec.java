package io.pgjcache.internal.codec;

/**
 * Turns keys and values into the bytes stored in PostgreSQL and back.
 *
 * <p>A codec must be deterministic for keys: two equal keys must encode to the same bytes, because
 * the stored key is found by a digest of its encoding. Implementations must be thread-safe.
 *
 * <p>Not an extension point (yet): every node must decode what any other node wrote, so a codec other than
 * {@link DefaultCodec} needs a name recorded in the registry with the cache. The manager makes the codec and hands
 * it to {@code CacheFactory}, the one place where a cache gets its codec: that is where a choice would go.
 */
public interface Codec {
  /**
   * Encodes a non-null object.
   *
   * @throws IllegalArgumentException if the object cannot be encoded; the message names its type
   */
  byte[] encode(Object object);

  /**
   * Decodes bytes produced by {@link #encode}.
   *
   * @param classLoader the loader to resolve classes with
   */
  Object decode(byte[] bytes, ClassLoader classLoader);
}
