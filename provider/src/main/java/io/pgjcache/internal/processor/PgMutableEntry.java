package io.pgjcache.internal.processor;

import java.util.Objects;
import java.util.function.Function;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.MutableEntry;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} works on. It records what the processor
 * did; the cache applies the net effect afterwards, inside the same transaction that holds the key's lock.
 */
public final class PgMutableEntry<K, V> implements MutableEntry<K, V> {
  /** The net effect of a processor on its entry. */
  public enum Outcome { NONE, ACCESSED, LOADED, CREATED, UPDATED, REMOVED }

  private final K key;
  private final V originalValue;
  private final CacheLoader<K, V> loader;
  private final Function<RuntimeException, RuntimeException> loaderFailure;
  private V value;
  private Outcome outcome = Outcome.NONE;

  /**
   * @param originalValue the live value, or null when absent
   * @param loader        the read-through loader, or null
   * @param loaderFailure wraps a loader's failure in the specification's exception type
   */
  public PgMutableEntry(K key, V originalValue, CacheLoader<K, V> loader,
      Function<RuntimeException, RuntimeException> loaderFailure) {
    this.key = Objects.requireNonNull(key, "key");
    this.originalValue = originalValue;
    this.value = originalValue;
    this.loader = loader;
    this.loaderFailure = loaderFailure;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    if (outcome == Outcome.NONE) {
      if (value != null) {
        outcome = Outcome.ACCESSED;
      } else if (loader != null) {
        V loaded;
        try {
          loaded = loader.load(key);
        } catch (RuntimeException e) {
          throw loaderFailure.apply(e);
        }
        if (loaded != null) {
          value = loaded;
          outcome = Outcome.LOADED;
        }
      }
    }
    return value;
  }

  @Override
  public boolean exists() {
    return value != null;
  }

  /**
   * Undoing a create or a load of this same invocation leaves nothing to do. Any other remove is a
   * removal, even of an absent entry: like {@code Cache.remove(key)}, it reaches the writer's
   * {@code delete}; whether an entry really went is known from the original value.
   */
  @Override
  public void remove() {
    value = null;
    outcome = outcome == Outcome.CREATED || outcome == Outcome.LOADED ? Outcome.NONE : Outcome.REMOVED;
  }

  @Override
  public void setValue(V newValue) {
    Objects.requireNonNull(newValue, "an entry processor cannot set a null value");
    outcome = originalValue == null ? Outcome.CREATED : Outcome.UPDATED;
    value = newValue;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The value to store after {@link Outcome#CREATED}, {@link Outcome#UPDATED} or {@link Outcome#LOADED}. */
  public V value() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap a mutable entry to " + clazz.getName());
  }
}
