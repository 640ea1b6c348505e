package io.pgjcache.internal.codec;

import io.pgjcache.configuration.Setting;
import io.pgjcache.internal.store.DigestKey;
import io.pgjcache.internal.store.EncodedKeys;
import io.pgjcache.internal.store.KeyDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * One cache's keys and values to and from their stored bytes, through the manager's {@link Codec} (narrowed to
 * the cache's declared types) and class loader. Encodings larger than the manager's bounds are refused before
 * anything is sent. Every failure, whatever a codec throws on bytes it cannot read, becomes a
 * {@link CacheException} that names the cache and, when reading, the row's key digest. Keys whose encodings are
 * remembered ({@link EncodedKeys}) skip the encoding and the digest.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheCodec<K, V> {
  private final String cacheName;
  private final Codec codec;
  private final int maxKeySize;
  private final int maxValueSize;
  /** Asked on every decoding: the manager holds its class loader weakly, and so must we. */
  private final Supplier<ClassLoader> classLoader;
  private final EncodedKeys<EncodedKey> encodedKeys;

  /** @param encodedKeys the remembered key encodings, or null to remember none */
  public CacheCodec(String cacheName, ManagerCodec managerCodec, Supplier<ClassLoader> classLoader, Class<K> keyType,
      Class<V> valueType, EncodedKeys<EncodedKey> encodedKeys) {
    this.cacheName = Objects.requireNonNull(cacheName, "cacheName");
    this.codec = managerCodec.codec().forTypes(keyType, valueType);
    this.maxKeySize = managerCodec.maxKeySize();
    this.maxValueSize = managerCodec.maxValueSize();
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    this.encodedKeys = encodedKeys;
  }

  /** Whether this key's encoding may be remembered, and so its near copy be indexed under it. */
  public boolean remembers(K key) {
    return encodedKeys != null && encodedKeys.remembers(key);
  }

  public EncodedKey encodeKey(K key) {
    EncodedKey known = encodedKeys == null ? null : encodedKeys.get(key);
    if (known != null) {
      return known;
    }
    byte[] bytes = encode(key, "key");
    byte[] digest = KeyDigest.of(bytes);
    boolean remembered = remembers(key);
    EncodedKey encoded = new EncodedKey(bytes, digest, new DigestKey(digest), remembered ? key : null);
    if (remembered) {
      encodedKeys.put(key, encoded);
    }
    return encoded;
  }

  public byte[] encodeValue(V value) {
    return encode(value, "value");
  }

  /** Encodes a key or value ({@code role}: "key" or "value") for a message rather than a row. */
  public byte[] encode(Object object, String role) {
    byte[] bytes;
    try {
      bytes = codec.encode(object);
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

  /** Decodes the value of the row whose key has this digest (named if the value cannot be read). */
  @SuppressWarnings("unchecked")
  public V decodeValue(byte[] bytes, byte[] digest) {
    return (V) decode(bytes, "value", Objects.requireNonNull(digest, "digest"));
  }

  @SuppressWarnings("unchecked")
  public K decodeKey(byte[] bytes) {
    return (K) decode(bytes, "key", null);
  }

  private Object decode(byte[] bytes, String role, byte[] digest) {
    try {
      return codec.decode(bytes, classLoader.get());
    } catch (RuntimeException e) {
      // Stored bytes are untrusted: whatever a codec throws on them is the row's fault, not the caller's.
      // A key's row is found by the digest of the key's own bytes.
      byte[] rowDigest = digest != null ? digest : KeyDigest.of(bytes);
      throw new CacheException("Cache '" + cacheName + "': cannot read the stored " + role + " of the row with key "
          + "digest " + HexFormat.of().formatHex(rowDigest) + ": " + e.getMessage(), e);
    }
  }
}
