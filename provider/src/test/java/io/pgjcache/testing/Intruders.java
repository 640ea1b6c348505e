package io.pgjcache.testing;

import io.pgjcache.internal.codec.DefaultCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Stored bytes that name a class nobody allowed, made without loading that class: a harmless template of the
 * same shape is encoded, then the class name in the stream is swapped for the intruder's (of the same length).
 * So a test can tell whether decoding ever initialized the intruder.
 */
public final class Intruders {
  private static final DefaultCodec ANYTHING = new DefaultCodec("*");

  private Intruders() {
  }

  /** The provider's encoding of {@code template}, naming {@code intruderClassName} instead of its class. */
  public static byte[] encodedAs(Object template, String intruderClassName) {
    byte[] bytes = ANYTHING.encode(template);
    byte[] from = template.getClass().getName().getBytes(StandardCharsets.UTF_8);
    byte[] to = intruderClassName.getBytes(StandardCharsets.UTF_8);
    if (from.length != to.length) {
      throw new IllegalArgumentException("the names must be equally long: " + template.getClass().getName()
          + ", " + intruderClassName);
    }
    for (int i = 0; i + from.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, bytes, i, to.length);
        return bytes;
      }
    }
    throw new AssertionError("class name not found in the stream");
  }
}
