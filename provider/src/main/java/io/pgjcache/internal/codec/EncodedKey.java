package io.pgjcache.internal.codec;


/**
 * A key as stored: its stored encoding (signed when signing is on), the codec's own encoding (the same array
 * unless signed), the digest of the latter (its name in notifications and, as a map key, on this node) and the
 * caller's key when it is remembered (see {@code EncodedKeys}), under which the near cache may index its shared copy,
 * else null.
 */
public record EncodedKey(byte[] bytes, byte[] unsigned, byte[] digest, DigestKey digestKey, Object remembered) {

  /** A key whose stored and unsigned encodings are these bytes, which nobody remembers. */
  public static EncodedKey of(byte[] bytes) {
    byte[] digest = KeyDigest.of(bytes);
    return new EncodedKey(bytes, bytes, digest, new DigestKey(digest), null);
  }
}
