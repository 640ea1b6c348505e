package io.pgjcache.internal.codec;

import java.util.Objects;

/**
 * A manager's codec and the bounds every one of its caches' encodings must keep
 * ({@code pgjcache.max-key-size}, {@code pgjcache.max-value-size}).
 *
 * @param codec        turns keys and values into bytes and back
 * @param maxKeySize   most bytes an encoded key may take
 * @param maxValueSize most bytes an encoded value may take
 */
public record ManagerCodec(Codec codec, int maxKeySize, int maxValueSize) {
  public ManagerCodec {
    Objects.requireNonNull(codec, "codec");
    if (maxKeySize <= 0 || maxValueSize <= 0) {
      throw new IllegalArgumentException("size limits must be positive: " + maxKeySize + ", " + maxValueSize);
    }
  }
}
