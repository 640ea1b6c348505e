package io.pgjcache.internal.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * A key digest with value equality, for use as a map key. The hash is taken once, from the digest's first four
 * bytes: a SHA-256 is evenly spread already, and a near-cache hit should not hash 32 bytes every time.
 */
public final class DigestKey {
  private final byte[] digest;
  private final int hash;

  public DigestKey(byte[] digest) {
    this.digest = Objects.requireNonNull(digest, "digest");
    // Anything may arrive in a notification; only a full digest has four bytes to spare.
    this.hash = digest.length >= 4 ? KeyDigest.lockKey(digest) : Arrays.hashCode(digest);
  }

  public byte[] digest() {
    return digest;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DigestKey that && hash == that.hash && Arrays.equals(digest, that.digest);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "DigestKey" + Arrays.toString(Arrays.copyOf(digest, Math.min(4, digest.length)));
  }
}
