package io.pgjcache.internal.codec;

import io.pgjcache.configuration.Setting;
import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * One cache's keys and values to and from their stored bytes, through the {@link Codec} the cache chose (narrowed
 * to the cache's declared types) and the manager's class loader. Encodings larger than the manager's bounds are
 * refused before anything is sent. Every failure, whatever a codec throws on bytes it cannot read, becomes a
 * {@link CacheException} that names the cache and, when reading, the row's key digest; except a stored value that
 * is a well-formed encoding the current classes cannot take any more ({@link StaleEncodingException}), which
 * decodes to null (a miss, replaced by the next write of its key), counted and logged once per cache. Keys whose
 * encodings are remembered ({@link EncodedKeys}) skip the encoding and the digest.
 *
 * <p>With {@code pgjcache.signing-key}, stored keys and values (in rows and in cluster events alike) carry a
 * {@link Signer} tag, checked before a byte of them is decoded. A row's primary key (the key's unsigned encoding
 * or its digest) and the digest a value's tag is bound to are always those of the unsigned encoding, so that rows
 * are found whichever key signed them.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheCodec<K, V> {
  private static final System.Logger LOG = System.getLogger(CacheCodec.class.getName());

  private final String cacheName;
  /** Encodes values; keys go through {@link #keyCodec}, the same codec except for json. */
  private final Codec codec;
  private final Codec keyCodec;
  private final int maxKeySize;
  private final int maxValueSize;
  /** Asked on every decoding: the manager holds its class loader weakly, and so must we. */
  private final Supplier<ClassLoader> classLoader;
  private final EncodedKeys<EncodedKey> encodedKeys;
  private final LongAdder staleValues = new LongAdder();
  private final AtomicBoolean staleLogged = new AtomicBoolean();
  /** Bound to this cache's name, so that rows copied from another cache's table do not verify. */
  private final Signer signer;

  /** A cache with the manager's default codec. */
  public CacheCodec(String cacheName, ManagerCodec managerCodec, Supplier<ClassLoader> classLoader, Class<K> keyType,
      Class<V> valueType, EncodedKeys<EncodedKey> encodedKeys) {
    this(cacheName, managerCodec, managerCodec.codecs().defaultName(), classLoader, keyType, valueType, encodedKeys);
  }

  /**
   * @param codecName   the cache's codec ({@link Setting#CODECS})
   * @param encodedKeys the remembered key encodings, or null to remember none
   * @throws IllegalArgumentException if the codec is unknown, its library is missing, or it cannot be signed
   */
  public CacheCodec(String cacheName, ManagerCodec managerCodec, String codecName, Supplier<ClassLoader> classLoader,
      Class<K> keyType, Class<V> valueType, EncodedKeys<EncodedKey> encodedKeys) {
    this.cacheName = Objects.requireNonNull(cacheName, "cacheName");
    Codec chosen = managerCodec.codecs().named(codecName);
    if (chosen.valueForm() == ValueForm.JSON && managerCodec.signer().isEnabled()) {
      // A signature covers exact bytes, and jsonb keeps a document's meaning, not its bytes.
      throw new IllegalArgumentException("Cache '" + cacheName + "': the " + codecName + " codec cannot be combined "
          + "with " + Setting.SIGNING_KEY.key() + ": PostgreSQL normalizes jsonb documents, so their signatures "
          + "could not be checked; choose the java or kryo codec for signed caches");
    }
    this.codec = chosen.forTypes(keyType, valueType);
    this.keyCodec = chosen.keyCodec().forTypes(keyType, valueType);
    this.maxKeySize = managerCodec.maxKeySize();
    this.maxValueSize = managerCodec.maxValueSize();
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    this.encodedKeys = encodedKeys;
    this.signer = managerCodec.signer().forCache(cacheName);
  }

  /** Whether this key's encoding may be remembered, and so its near copy be indexed under it. */
  public boolean remembers(K key) {
    return encodedKeys != null && encodedKeys.remembers(key);
  }

  /** The key as stored: its signed encoding, and the digest of its unsigned one (which survives a key rotation). */
  public EncodedKey encodeKey(K key) {
    EncodedKey known = encodedKeys == null ? null : encodedKeys.get(key);
    if (known != null) {
      return known;
    }
    byte[] bytes = encode(key, "key");
    byte[] digest = KeyDigest.of(bytes);
    boolean remembered = remembers(key);
    EncodedKey encoded = new EncodedKey(signer.signKey(bytes), bytes, digest, new DigestKey(digest),
        remembered ? key : null);
    if (remembered) {
      encodedKeys.put(key, encoded);
    }
    return encoded;
  }

  /**
   * The key's unsigned encoding, from which its row's primary key follows: all that a read of the table needs of a
   * key, without the digest, the signature and the objects of an {@link EncodedKey}.
   */
  public byte[] unsignedKey(K key) {
    EncodedKey known = encodedKeys == null ? null : encodedKeys.get(key);
    return known != null ? known.unsigned() : encode(key, "key");
  }

  /** The value as stored in the row of this key (its signature is valid there only). */
  public byte[] encodeValue(V value, EncodedKey key) {
    return signer.signValue(key.digest(), encode(value, "value"));
  }

  private byte[] encode(Object object, String role) {
    byte[] bytes;
    try {
      bytes = (role.equals("key") ? keyCodec : codec).encode(object);
    } catch (IllegalArgumentException e) {
      throw new CacheException("Cache '" + cacheName + "': cannot store this " + role + ": " + e.getMessage(), e);
    }
    boolean key = role.equals("key");
    int limit = key ? maxKeySize : maxValueSize;
    if (bytes.length > limit) {
      Setting setting = key ? Setting.MAX_KEY_SIZE : Setting.MAX_VALUE_SIZE;
      throw new CacheException("Cache '" + cacheName + "': cannot store this " + role + " of type "
          + object.getClass().getName() + ": it encodes to " + bytes.length + " bytes, more than " + setting.key()
          + " (" + limit + ")");
    }
    return bytes;
  }

  /**
   * Decodes the value of the row with this primary key (its key's digest named if the value cannot be read), once
   * its signature is checked; null if it is a value the current classes cannot take any more, which callers treat as
   * absent. The digest is worked out only when a signature needs it or an error names it.
   */
  @SuppressWarnings("unchecked")
  public V decodeValue(byte[] bytes, byte[] rowKey) {
    Objects.requireNonNull(rowKey, "rowKey");
    byte[] unsigned = signer.isEnabled() ? verified(bytes, "value", KeyDigest.ofRowKey(rowKey)) : bytes;
    try {
      return (V) codec.decode(unsigned, classLoader.get());
    } catch (StaleEncodingException e) {
      staleValues.increment();
      if (staleLogged.compareAndSet(false, true)) {
        LOG.log(Level.WARNING, () -> "pgjcache: cache '" + cacheName + "' holds entries its classes cannot read any "
            + "more (changed since they were written); each is a miss until it is written again. First one, key "
            + "digest " + HexFormat.of().formatHex(KeyDigest.ofRowKey(rowKey)) + ": " + e.getMessage()
            + " (said once per cache)");
      }
      return null;
    } catch (RuntimeException e) {
      throw unreadable("value", KeyDigest.ofRowKey(rowKey), e);
    }
  }

  /** {@link #decodeValue(byte[], byte[])} of the value of a key at hand, whose digest is known already. */
  public V decodeValue(byte[] bytes, EncodedKey key) {
    // A digest is the row key of its own digest (KeyDigest#ofRowKey): nothing is hashed again.
    return decodeValue(bytes, key.digest());
  }

  /** How many stored values could not be read any more ({@link StaleEncodingException}) and were misses. */
  public long staleValues() {
    return staleValues.sum();
  }

  /**
   * Decodes the stored key of the row with this primary key, once its signature is checked; when signed, the key
   * must also be the one the row's digest is of (else a row could pass off another row's key as its own).
   */
  @SuppressWarnings("unchecked")
  public K decodeKey(byte[] bytes, byte[] rowKey) {
    Objects.requireNonNull(rowKey, "rowKey");
    if (!signer.isEnabled()) {
      return (K) decodeStoredKey(bytes, rowKey);
    }
    byte[] digest = KeyDigest.ofRowKey(rowKey);
    byte[] unsigned = verified(bytes, "key", digest);
    if (!MessageDigest.isEqual(KeyDigest.of(unsigned), digest)) {
      throw refused("key", digest, "its signature is invalid for this row: it is the key of another row");
    }
    return (K) decodeStoredKey(unsigned, rowKey);
  }

  /** The unsigned encoding of a key received in its stored form (in a message), once its signature is checked. */
  public byte[] unsignedOfStoredKey(byte[] bytes) {
    try {
      return signer.verifyKey(bytes);
    } catch (Signer.InvalidSignatureException e) {
      // Nothing else names this key: name what its digest would be.
      int payload = Math.max(0, bytes.length - Signer.TRAILER_LENGTH);
      throw refused("key", KeyDigest.of(Arrays.copyOf(bytes, payload)), e.getMessage());
    }
  }

  /** The codec's bytes inside stored ones, refused unless their signature holds (when signing is on). */
  private byte[] verified(byte[] bytes, String role, byte[] digest) {
    try {
      return role.equals("key") ? signer.verifyKey(bytes) : signer.verifyValue(digest, bytes);
    } catch (Signer.InvalidSignatureException e) {
      throw refused(role, digest, e.getMessage());
    }
  }

  private CacheException refused(String role, byte[] digest, String why) {
    return new CacheException("Cache '" + cacheName + "': refused the stored " + role + " of the row with key digest "
        + HexFormat.of().formatHex(digest) + " before decoding it: " + why);
  }

  private Object decodeStoredKey(byte[] bytes, byte[] rowKey) {
    try {
      return keyCodec.decode(bytes, classLoader.get());
    } catch (RuntimeException e) {
      throw unreadable("key", KeyDigest.ofRowKey(rowKey), e);
    }
  }

  /** Stored bytes are untrusted: whatever a codec throws on them is the row's fault, not the caller's. */
  private CacheException unreadable(String role, byte[] digest, RuntimeException e) {
    return new CacheException("Cache '" + cacheName + "': cannot read the stored " + role + " of the row with key "
        + "digest " + HexFormat.of().formatHex(digest) + ": " + e.getMessage(), e);
  }
}
