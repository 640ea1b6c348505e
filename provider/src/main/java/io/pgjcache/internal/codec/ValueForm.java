package io.pgjcache.internal.codec;

/** What a codec's value encodings are, which decides the type of a cache table's value column. */
public enum ValueForm {
  /** Any bytes: a {@code bytea} column. */
  BINARY,
  /** UTF-8 JSON text: a {@code jsonb} column, so that values can be read and queried in SQL. */
  JSON;

  /** The form of a codec's values, by its name as the registry records it (no codec need be made to know it). */
  public static ValueForm ofCodec(String codecName) {
    return JsonCodec.NAME.equals(codecName) ? JSON : BINARY;
  }
}
