package io.pgjcache.internal.codec;

import java.util.Objects;

/**
 * A manager's codecs, the bounds every one of its caches' encodings must keep ({@code pgjcache.max-key-size},
 * {@code pgjcache.max-value-size}) and the signer of their stored bytes ({@code pgjcache.signing-key}).
 *
 * @param codecs       turn keys and values into bytes and back, each cache with the codec it chose
 * @param maxKeySize   most bytes an encoded key may take
 * @param maxValueSize most bytes an encoded value may take
 * @param signer       signs and verifies stored bytes; {@link Signer#NONE} to store them unsigned
 */
public record ManagerCodec(Codecs codecs, int maxKeySize, int maxValueSize, Signer signer) {
  public ManagerCodec {
    Objects.requireNonNull(codecs, "codecs");
    Objects.requireNonNull(signer, "signer");
    if (maxKeySize <= 0 || maxValueSize <= 0) {
      throw new IllegalArgumentException("size limits must be positive: " + maxKeySize + ", " + maxValueSize);
    }
  }

  /** One codec only, every cache's. */
  public ManagerCodec(Codec codec, int maxKeySize, int maxValueSize, Signer signer) {
    this(Codecs.only(codec), maxKeySize, maxValueSize, signer);
  }
}
