package io.pgjcache.internal.codec;

import io.pgjcache.configuration.Setting;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs the stored bytes of one cache's keys and values with HMAC-SHA256 ({@code pgjcache.signing-key}) and checks
 * them before anything is decoded, so that nobody without the key (a database user who may write the tables or
 * {@code NOTIFY} the channels) can make a node decode bytes it did not write. Without a key, {@link #NONE}, bytes
 * pass unchanged: the stored format is then exactly the unsigned one.
 *
 * <p>Format: the codec's bytes, then a 37-byte trailer, appended so that the unsigned bytes stay a prefix:
 * <pre>
 *   payload | version (1 byte, {@value #VERSION}) | key id (4 bytes) | HMAC-SHA256 (32 bytes)
 * </pre>
 * The key id is the first 4 bytes of HMAC(key, "pgjcache signing key id"): it says which key signed without
 * telling anything about the key, so a node tries only that key (current or previous) and can say that a row was
 * signed with a key it does not hold. The MAC covers, in order: the version, the key id, the role (key or value),
 * the cache name (length-prefixed UTF-8), for a value the key digest of its row (length-prefixed), then the
 * payload. Binding the role keeps a key's tag from passing as a value's; the key digest keeps a value from being
 * copied under another key; the cache name keeps a row from being copied into another cache's table (caches are
 * never renamed, and a cache of the same name in another schema is the same deployment's). Nothing binds a tag to
 * a time: a row or event that was once validly written for a key may be written again (replayed) by someone who
 * saw it.
 *
 * <p>Tags are compared with {@link MessageDigest#isEqual}, in time independent of where they differ. Thread-safe:
 * each signing works on a clone of a keyed {@link Mac}.
 */
public final class Signer {
  /** The trailer's version byte; a new format would take another. */
  static final byte VERSION = 1;
  static final int KEY_ID_LENGTH = 4;
  static final int TAG_LENGTH = 32;
  static final int TRAILER_LENGTH = 1 + KEY_ID_LENGTH + TAG_LENGTH;
  /** The fewest bytes of a key: an HMAC key shorter than its hash's output weakens it. */
  static final int MIN_KEY_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";
  private static final byte KEY_ROLE = 'K';
  private static final byte VALUE_ROLE = 'V';

  /** No signing: bytes are stored and read as the codec makes them. */
  public static final Signer NONE = new Signer(List.of(), new byte[0]);

  /** The signing key first, then the previous one if any: only the first signs, any verifies. */
  private final List<SigningKey> keys;
  /** The cache name, length-prefixed, as the MAC binds it; empty for a signer not yet bound to a cache. */
  private final byte[] cacheContext;

  private Signer(List<SigningKey> keys, byte[] cacheContext) {
    this.keys = keys;
    this.cacheContext = cacheContext;
  }

  /**
   * The signer of a manager: none without a signing key.
   *
   * @param signingKey  {@code pgjcache.signing-key}, or null
   * @param previousKey {@code pgjcache.previous-signing-key}, or null; accepted when verifying only
   * @throws IllegalArgumentException if a key is too short or the previous key is given alone; the message never
   *                                  holds a key
   */
  public static Signer of(String signingKey, String previousKey) {
    if (signingKey == null) {
      if (previousKey != null) {
        throw new IllegalArgumentException(Setting.PREVIOUS_SIGNING_KEY.key() + " is set but "
            + Setting.SIGNING_KEY.key() + " is not: the previous key is only accepted alongside the one that signs");
      }
      return NONE;
    }
    List<SigningKey> keys = new ArrayList<>(2);
    keys.add(SigningKey.of(Setting.SIGNING_KEY, signingKey));
    if (previousKey != null) {
      keys.add(SigningKey.of(Setting.PREVIOUS_SIGNING_KEY, previousKey));
    }
    return new Signer(List.copyOf(keys), new byte[0]);
  }

  /** This signer bound to one cache: its tags are valid in that cache only. */
  public Signer forCache(String cacheName) {
    if (keys.isEmpty()) {
      return this;
    }
    byte[] name = cacheName.getBytes(StandardCharsets.UTF_8);
    return new Signer(keys, ByteBuffer.allocate(Integer.BYTES + name.length).putInt(name.length).put(name).array());
  }

  public boolean isEnabled() {
    return !keys.isEmpty();
  }

  /** The stored form of a key's bytes. */
  public byte[] signKey(byte[] key) {
    return sign(KEY_ROLE, null, key);
  }

  /** The stored form of a value's bytes, valid only in the row of the key with this digest. */
  public byte[] signValue(byte[] keyDigest, byte[] value) {
    return sign(VALUE_ROLE, Objects.requireNonNull(keyDigest, "keyDigest"), value);
  }

  /**
   * The key's bytes in a stored form, once its tag is checked.
   *
   * @throws InvalidSignatureException if the tag is missing or wrong
   */
  public byte[] verifyKey(byte[] stored) {
    return verify(KEY_ROLE, null, stored);
  }

  /**
   * The value's bytes in a stored form, once its tag is checked against the row's key digest.
   *
   * @throws InvalidSignatureException if the tag is missing or wrong
   */
  public byte[] verifyValue(byte[] keyDigest, byte[] stored) {
    return verify(VALUE_ROLE, Objects.requireNonNull(keyDigest, "keyDigest"), stored);
  }

  private byte[] sign(byte role, byte[] keyDigest, byte[] payload) {
    if (keys.isEmpty()) {
      return payload;
    }
    SigningKey key = keys.get(0);
    byte[] out = Arrays.copyOf(payload, payload.length + TRAILER_LENGTH);
    out[payload.length] = VERSION;
    System.arraycopy(key.id(), 0, out, payload.length + 1, KEY_ID_LENGTH);
    byte[] tag = mac(key, role, keyDigest, out, payload.length);
    System.arraycopy(tag, 0, out, payload.length + 1 + KEY_ID_LENGTH, TAG_LENGTH);
    return out;
  }

  private byte[] verify(byte role, byte[] keyDigest, byte[] stored) {
    if (keys.isEmpty()) {
      return stored;
    }
    int payloadLength = stored.length - TRAILER_LENGTH;
    if (payloadLength < 0 || stored[payloadLength] != VERSION) {
      throw new InvalidSignatureException("its signature is missing (no signature trailer of version " + VERSION
          + " at the end of its " + stored.length + " bytes): it was not written by a node with "
          + Setting.SIGNING_KEY.key());
    }
    byte[] id = Arrays.copyOfRange(stored, payloadLength + 1, payloadLength + 1 + KEY_ID_LENGTH);
    byte[] given = Arrays.copyOfRange(stored, payloadLength + 1 + KEY_ID_LENGTH, stored.length);
    boolean known = false;
    // Both keys only in the unlikely case that their ids are the same.
    for (SigningKey key : keys) {
      if (Arrays.equals(key.id(), id)) {
        known = true;
        if (MessageDigest.isEqual(mac(key, role, keyDigest, stored, payloadLength), given)) {
          return Arrays.copyOf(stored, payloadLength);
        }
      }
    }
    if (!known) {
      throw new InvalidSignatureException("its signature is invalid: it was signed with a key this node does not "
          + "hold (key id " + HexFormat.of().formatHex(id) + "; during a key rotation, give the previous key as "
          + Setting.PREVIOUS_SIGNING_KEY.key() + ")");
    }
    throw new InvalidSignatureException("its signature is invalid: its bytes were changed, or they were signed "
        + "for another " + (role == KEY_ROLE ? "role or cache" : "key, role or cache"));
  }

  /** The MAC of the payload {@code bytes[0, payloadLength)}, whose version and key id follow it in {@code bytes}. */
  private byte[] mac(SigningKey key, byte role, byte[] keyDigest, byte[] bytes, int payloadLength) {
    Mac mac = key.newMac();
    mac.update(bytes, payloadLength, 1 + KEY_ID_LENGTH);
    mac.update(role);
    mac.update(cacheContext);
    if (keyDigest != null) {
      mac.update((byte) keyDigest.length);
      mac.update(keyDigest);
    }
    mac.update(bytes, 0, payloadLength);
    return mac.doFinal();
  }

  @Override
  public String toString() {
    // Never the keys: only how many there are.
    return keys.isEmpty() ? "no signing" : "HMAC-SHA256 signing with " + keys.size() + " key(s)";
  }

  /** A stored key or value whose tag is missing or does not verify; the message says which, never a key. */
  public static final class InvalidSignatureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidSignatureException(String message) {
      super(message, null, false, false);
    }
  }

  /** One secret: a keyed {@link Mac} to clone per use, and the id that names it in a trailer. */
  private record SigningKey(Mac prototype, byte[] id) {
    static SigningKey of(Setting setting, String secret) {
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      if (bytes.length < MIN_KEY_BYTES) {
        // The length only: the secret itself must never reach a message.
        throw new IllegalArgumentException(setting.key() + " must be at least " + MIN_KEY_BYTES + " bytes long, got "
            + bytes.length + " (use a random one, e.g. openssl rand -base64 32)");
      }
      try {
        Mac mac = Mac.getInstance(ALGORITHM);
        mac.init(new SecretKeySpec(bytes, ALGORITHM));
        byte[] id = Arrays.copyOf(((Mac) mac.clone()).doFinal(
            "pgjcache signing key id".getBytes(StandardCharsets.US_ASCII)), KEY_ID_LENGTH);
        return new SigningKey(mac, id);
      } catch (GeneralSecurityException | CloneNotSupportedException e) {
        throw new IllegalStateException(ALGORITHM + " is required by every Java platform, and clonable in the JDK", e);
      }
    }

    Mac newMac() {
      try {
        return (Mac) prototype.clone();
      } catch (CloneNotSupportedException e) {
        // Checked when the key was made: the same provider's Mac clones every time.
        throw new IllegalStateException(e);
      }
    }
  }
}
