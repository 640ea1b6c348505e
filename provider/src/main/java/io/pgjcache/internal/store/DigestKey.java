package io.pgjcache.internal.store;

import java.util.Arrays;

/** A key digest with value equality, for use as a map key. */
public record DigestKey(byte[] digest) {
  @Override
  public boolean equals(Object other) {
    return other instanceof DigestKey that && Arrays.equals(digest, that.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return "DigestKey" + Arrays.toString(Arrays.copyOf(digest, 4));
  }
}
