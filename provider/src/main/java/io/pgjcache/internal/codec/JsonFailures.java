package io.pgjcache.internal.codec;

/**
 * The json codec's failures, worded alike whichever Jackson version met them (see {@link JsonBinding}). They name
 * the kind of failure, where in the document it is and the class, never Jackson's own message: that quotes the
 * document's content, and cached values must not reach logs and exception messages.
 */
final class JsonFailures {
  private JsonFailures() {
  }

  /** What went wrong without the content: the exception's kind, and its place in the document if Jackson knows it. */
  static String detail(Throwable failure, long line, long column) {
    String kind = failure.getClass().getSimpleName();
    return line > 0 ? kind + " at line " + line + ", column " + column : kind;
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
