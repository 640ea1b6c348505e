package io.pgjcache.internal.codec;

/** The json codec's failures, worded alike whichever Jackson version met them (see {@link JsonBinding}). */
final class JsonFailures {
  private JsonFailures() {
  }

  static IllegalArgumentException cannotWrite(Class<?> type, String detail, Throwable cause) {
    return new IllegalArgumentException("Cannot store a " + type.getName() + " as JSON: " + detail, cause);
  }

  /** Not JSON, or a class Jackson cannot build at all: a fresh value would not decode either. */
  static IllegalArgumentException unreadable(String detail, Throwable cause) {
    return new IllegalArgumentException("Cannot read the stored document: " + detail, cause);
  }

  /** Well-formed JSON that the class no longer takes: a field changed type, a constructor now refuses it... */
  static StaleEncodingException doesNotFit(Class<?> type, String detail, Throwable cause) {
    return new StaleEncodingException("The stored document does not fit " + type.getName() + " any more: " + detail,
        cause);
  }

  static IllegalArgumentException notAnEnvelope() {
    return new IllegalArgumentException("The stored document is no {\"" + JsonBinding.TYPE_FIELD + "\": ..., \""
        + JsonBinding.VALUE_FIELD + "\": ...} envelope of the json codec");
  }
}
