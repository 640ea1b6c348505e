package io.pgjcache;

/**
 * Turns keys and values into the bytes stored in PostgreSQL and back.
 *
 * <p>A codec must be deterministic for keys: two equal keys must encode to the same bytes, because
 * the stored key is found by a digest of its encoding. Implementations must be thread-safe.
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
