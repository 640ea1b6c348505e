package io.pgjcache.internal.cache;

import java.util.Objects;
import java.util.Set;
import javax.cache.configuration.Configuration;

/**
 * The argument checks the JCache specification asks of every cache operation: no null keys or values, and keys
 * and values of the configured types (a {@link ClassCastException} otherwise), named after the cache.
 */
public final class EntryChecks<K, V> {
  private final String cacheName;
  private final Class<K> keyType;
  private final Class<V> valueType;

  public EntryChecks(String cacheName, Configuration<K, V> configuration) {
    this.cacheName = Objects.requireNonNull(cacheName, "cacheName");
    this.keyType = configuration.getKeyType();
    this.valueType = configuration.getValueType();
  }

  public void key(K key) {
    Objects.requireNonNull(key, "a cache key cannot be null");
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException("Cache '" + cacheName + "' takes keys of type " + keyType.getName() + ", not "
          + key.getClass().getName());
    }
  }

  public void keys(Set<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    for (K key : keys) {
      key(key);
    }
  }

  /** The keys in an array of their own, each checked: a caller's set is walked once, and may change afterwards. */
  @SuppressWarnings("unchecked")
  public K[] keyArray(Set<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    K[] array = (K[]) keys.toArray();
    for (K key : array) {
      key(key);
    }
    return array;
  }

  public void value(V value) {
    Objects.requireNonNull(value, "a cache value cannot be null");
    valueType(value);
  }

  public void entry(K key, V value) {
    key(key);
    value(value);
  }

  /** The value's type only: a value a processor set is known not to be null. */
  public void valueType(V value) {
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException("Cache '" + cacheName + "' takes values of type " + valueType.getName() + ", not "
          + value.getClass().getName());
    }
  }
}
