package io.pgjcache.internal.codec;

/**
 * A well-formed stored encoding that the classes of this JVM can no longer take: its class was renamed or removed,
 * or changed incompatibly since the entry was written. A fresh value would encode fine, so the cache treats the
 * entry as a miss rather than failing. Never thrown for bytes the allow-list refuses or that are no encoding at all.
 */
public final class StaleEncodingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public StaleEncodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
