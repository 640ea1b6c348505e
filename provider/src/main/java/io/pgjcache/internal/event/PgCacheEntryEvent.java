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

  /**
   * The same event as seen by a registration that did not ask for old values. For removals and
   * expiries the value is the old value (the specification makes {@code getValue()} return the same
   * as {@code getOldValue()}), so it goes too.
   */
  @SuppressWarnings("unchecked") // CacheEntryEvent.getSource() is declared with a raw Cache
  PgCacheEntryEvent<K, V> withoutOldValue() {
    if (!oldValueAvailable) {
      return this;
    }
    boolean valueIsOld = getEventType() == EventType.REMOVED || getEventType() == EventType.EXPIRED;
    return new PgCacheEntryEvent<>(getSource(), getEventType(), key, valueIsOld ? null : value, null, false);
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
