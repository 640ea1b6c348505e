package io.pgjcache.internal.codec;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The fixed-width primary key of a stored entry: SHA-256 of the encoded key. A fixed width keeps
 * the index compact and lets keys of any size be stored (a B-tree entry is limited to about 2.7 kB).
 */
public final class KeyDigest {
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  });

  private KeyDigest() {
  }

  public static byte[] of(byte[] encodedKey) {
    return SHA256.get().digest(encodedKey);
  }

  /** An int drawn from the digest, the per-key half of the advisory lock that serialises writers of a key. */
  public static int lockKey(byte[] digest) {
    return (digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | (digest[3] & 0xff);
  }
}
