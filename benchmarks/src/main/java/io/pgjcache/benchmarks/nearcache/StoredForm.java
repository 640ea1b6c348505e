package io.pgjcache.benchmarks.nearcache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Strings as pgjcache's default codec stores them: a one-byte tag (1) and the UTF-8 bytes. Notifications name a key
 * by the SHA-256 of that; its row is found by that encoding itself when it is shorter than a digest, else by the
 * digest.
 */
final class StoredForm {
  private static final byte STRING_TAG = 1;

  private StoredForm() {
  }

  static byte[] encode(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[utf8.length + 1];
    out[0] = STRING_TAG;
    System.arraycopy(utf8, 0, out, 1, utf8.length);
    return out;
  }

  static byte[] rowKey(byte[] encodedKey) {
    return encodedKey.length < 32 ? encodedKey : digest(encodedKey);
  }

  static byte[] digest(byte[] encodedKey) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(encodedKey);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
