package io.pgjcache.internal.codec;

/**
 * Turns keys and values into the bytes stored in PostgreSQL and back.
 *
 * <p>A codec must be deterministic for keys: two equal keys must encode to the same bytes, because
 * the stored key is found by its encoding (or a digest of it). Implementations must be thread-safe.
 *
 * <p>Not an extension point: every node must decode what any other node wrote, so each codec has a
 * {@link #name() name} recorded in the registry with the cache, and {@link Codecs} makes the known ones.
 *
 * <p>Decoding tells two failures apart. Bytes that are no encoding of this codec, or that name a class the
 * allow-list refuses, fail with {@link IllegalArgumentException}: someone wrote the table who should not have.
 * A well-formed encoding that this JVM's classes can no longer take (the class was renamed, or changed
 * incompatibly since the entry was written) fails with {@link StaleEncodingException}: the cache treats it as a
 * miss, and the entry is replaced by the next write of its key.
 */
public interface Codec {
  /** The name settings and the registry know this codec by ({@code java}, {@code json}, {@code kryo}). */
  String name();

  /** Whether values are JSON text, stored in a {@code jsonb} column, or any bytes, stored in {@code bytea}. */
  default ValueForm valueForm() {
    return ValueForm.BINARY;
  }

  /**
   * The codec of keys. Keys must encode deterministically, which JSON of maps and sets does not: the json codec
   * stores keys as the java codec does.
   */
  default Codec keyCodec() {
    return this;
  }

  /**
   * Encodes a non-null object.
   *
   * @throws IllegalArgumentException if the object cannot be encoded; the message names its type
   */
  byte[] encode(Object object);

  /**
   * Decodes bytes produced by {@link #encode}. The bytes come from a table that others may write: anything
   * they do not decode to fails with {@link IllegalArgumentException}, or {@link StaleEncodingException} when
   * they are a well-formed encoding that the current classes cannot take any more.
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
