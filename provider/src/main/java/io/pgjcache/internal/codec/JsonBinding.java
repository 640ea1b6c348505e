package io.pgjcache.internal.codec;

import java.util.function.Function;

/**
 * What the json codec asks of a Jackson version: a value to a JSON document and back, and the same inside the
 * {@code {"@type": ..., "value": ...}} envelope. Jackson 2 ({@code com.fasterxml.jackson}) and Jackson 3
 * ({@code tools.jackson}) differ in packages and exception types, not in what they write, so the codec's rules
 * (which caches carry a type, which classes are admitted) live once in {@link JsonCodec} and each version only
 * translates; {@link JsonBindings} picks the version by the mapper the application hands over.
 *
 * <p>Failures: a value that cannot be written is an {@link IllegalArgumentException}; bytes that are not JSON, or
 * a class Jackson cannot build at all, an {@link IllegalArgumentException}; well-formed JSON that the class no
 * longer takes, a {@link StaleEncodingException}. Messages come from {@link JsonFailures}.
 */
interface JsonBinding {
  String TYPE_FIELD = "@type";
  String VALUE_FIELD = "value";

  /** The bare document of a value. */
  byte[] write(Object value);

  /** {@code {"@type": type name, "value": document}}, the type first. */
  byte[] writeEnvelope(Class<?> type, Object value);

  /** The value a bare document holds, as {@code type}. */
  Object read(byte[] document, Class<?> type);

  /**
   * The value an envelope holds: its type name is handed to {@code admit}, which loads the class without
   * initializing it and checks it (or throws), before anything is instantiated; the value is then read as the
   * class {@code admit} returns. Read as a stream, not as a tree: a tree would keep numbers as doubles (12.50
   * would come back 12.5). jsonb keeps {@code "@type"} before {@code "value"} (keys of one length sort bytewise).
   */
  Object readEnvelope(byte[] envelope, Function<String, Class<?>> admit);
}
