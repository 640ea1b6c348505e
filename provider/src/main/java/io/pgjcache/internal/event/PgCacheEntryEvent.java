package io.pgjcache.internal.event;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/** An entry event; the old value is available only when the registration asked for it. */
public final class PgCacheEntryEvent<K, V> extends CacheEntryEvent<K, V> {
  private static final long serialVersionUID = 1L;

  private final K key;
  private final V value;
  private final V oldValue;
  private final boolean oldValueAvailable;

  public PgCacheEntryEvent(Cache<K, V> source, EventType type, K key, V value, V oldValue,
      boolean oldValueAvailable) {
    super(source, type);
    this.key = key;
    this.value = value;
    this.oldValue = oldValue;
    this.oldValueAvailable = oldValueAvailable;
  }

  /** The same event as seen by a registration that did not ask for old values. */
  PgCacheEntryEvent<K, V> withoutOldValue() {
    return oldValueAvailable ? new PgCacheEntryEvent<>(getSource(), getEventType(), key, value, null, false) : this;
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
  public V getOldValue() {
    return oldValue;
  }

  @Override
  public boolean isOldValueAvailable() {
    return oldValueAvailable;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap a cache entry event to " + clazz.getName());
  }

  @Override
  public String toString() {
    return "PgCacheEntryEvent[" + getEventType() + " " + key + "]";
  }
}
