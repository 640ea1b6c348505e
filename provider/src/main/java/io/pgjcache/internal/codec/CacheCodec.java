package io.pgjcache.internal.codec;

import io.pgjcache.internal.store.DigestKey;
import io.pgjcache.internal.store.EncodedKeys;
import io.pgjcache.internal.store.KeyDigest;
import java.util.Objects;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * One cache's keys and values to and from their stored bytes, through the manager's {@link Codec} and class
 * loader; failures become {@link CacheException}s that name the cache. Keys whose encodings are remembered
 * ({@link EncodedKeys}) skip the encoding and the digest.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheCodec<K, V> {
  private final String cacheName;
  private final Codec codec;
  /** Asked on every decoding: the manager holds its class loader weakly, and so must we. */
  private final Supplier<ClassLoader> classLoader;
  private final EncodedKeys<EncodedKey> encodedKeys;

  /** @param encodedKeys the remembered key encodings, or null to remember none */
  public CacheCodec(String cacheName, Codec codec, Supplier<ClassLoader> classLoader,
      EncodedKeys<EncodedKey> encodedKeys) {
    this.cacheName = Objects.requireNonNull(cacheName, "cacheName");
    this.codec = Objects.requireNonNull(codec, "codec");
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

  /** Encodes a key or value ({@code role}) for a message rather than a row. */
  public byte[] encode(Object object, String role) {
    try {
      return codec.encode(object);
    } catch (IllegalArgumentException e) {
      throw new CacheException("Cache '" + cacheName + "': cannot store this " + role + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  public V decodeValue(byte[] bytes) {
    return (V) decode(bytes, "value");
  }

  @SuppressWarnings("unchecked")
  public K decodeKey(byte[] bytes) {
    return (K) decode(bytes, "key");
  }

  private Object decode(byte[] bytes, String role) {
    try {
      return codec.decode(bytes, classLoader.get());
    } catch (IllegalArgumentException e) {
      throw new CacheException("Cache '" + cacheName + "': cannot read a stored " + role + ": " + e.getMessage(),
          e);
    }
  }
}
