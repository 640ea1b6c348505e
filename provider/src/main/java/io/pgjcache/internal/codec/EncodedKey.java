package io.pgjcache.internal.codec;


/**
 * A key as stored: its stored encoding (signed when signing is on) and the digest that is the row's primary key
 * (of the unsigned encoding; also as a map key); and the caller's key when it is remembered (see
 * {@code EncodedKeys}), under which the near cache may index its shared copy, else null.
 */
public record EncodedKey(byte[] bytes, byte[] digest, DigestKey digestKey, Object remembered) {

  /** A key read back from its table, which nobody remembers. */
  public static EncodedKey ofStored(byte[] bytes, byte[] digest) {
    return new EncodedKey(bytes, digest, new DigestKey(digest), null);
  }
}
