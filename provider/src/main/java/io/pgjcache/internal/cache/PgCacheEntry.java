package io.pgjcache.internal.cache;

import java.util.Objects;
import javax.cache.Cache;

/**
 * An immutable key and value as the cache returns them from its iterator and hands them to a
 * {@link javax.cache.integration.CacheWriter}. The value is the caller's own copy.
 */
public final class PgCacheEntry<K, V> implements Cache.Entry<K, V> {
  private final K key;
  private final V value;

  public PgCacheEntry(K key, V value) {
    this.key = Objects.requireNonNull(key, "key");
    this.value = Objects.requireNonNull(value, "value");
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap a cache entry to " + clazz.getName());
  }

  @Override
  public String toString() {
    return "PgCacheEntry[" + key + "=" + value + "]";
  }
}
