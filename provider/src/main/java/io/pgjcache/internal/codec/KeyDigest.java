package io.pgjcache.internal.codec;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A key's SHA-256 digest, of its unsigned encoding: its name in notifications, its advisory lock and, for keys of
 * {@value #LENGTH} bytes or more, its row's primary key (a B-tree entry is limited to about 2.7 kB). A key that
 * encodes to fewer bytes may be its own primary key (see {@code CacheTable#rowKey}); shorter than any digest, it
 * never meets one, so {@link #ofRowKey} tells a row's digest from its primary key alone, in Java and in SQL alike.
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

  /** How many bytes a digest has. */
  public static final int LENGTH = 32;

  public static byte[] of(byte[] encodedKey) {
    return SHA256.get().digest(encodedKey);
  }

  /**
   * The digest of the key whose row has this primary key: a primary key shorter than a digest is the key itself, and
   * its digest is worked out; any other is the digest.
   */
  public static byte[] ofRowKey(byte[] rowKey) {
    return rowKey.length < LENGTH ? of(rowKey) : rowKey;
  }

  /**
   * An int drawn from the digest, the per-key half of the advisory lock that serialises the read-modify-writes of a key
   * (and, in caches of earlier versions' form, its plain writes too).
   */
  public static int lockKey(byte[] digest) {
    return (digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | (digest[3] & 0xff);
  }
}
