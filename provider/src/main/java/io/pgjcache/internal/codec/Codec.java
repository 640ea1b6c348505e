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
   * Decodes bytes produced by {@link #encode}. The bytes come from a table that others may write: anything
   * they do not decode to fails with {@link IllegalArgumentException}.
   *
   * @param classLoader the loader to resolve classes with
   */
  Object decode(byte[] bytes, ClassLoader classLoader);

  /**
   * The codec for one cache, which declared these key and value types: a codec may use them to narrow or
   * widen what it accepts when decoding. By default, this codec unchanged.
   */
  default Codec forTypes(Class<?> keyType, Class<?> valueType) {
    return this;
  }
}
