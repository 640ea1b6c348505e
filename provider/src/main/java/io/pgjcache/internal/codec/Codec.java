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
   * Decodes bytes produced by {@link #encode}.
   *
   * @param classLoader the loader to resolve classes with
   */
  Object decode(byte[] bytes, ClassLoader classLoader);
}
