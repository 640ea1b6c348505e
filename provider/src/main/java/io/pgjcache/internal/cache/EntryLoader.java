package io.pgjcache.internal.cache;

import static io.pgjcache.internal.Closeables.closeQuietly;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.cache.configuration.Factory;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;

/**
 * A cache's {@link CacheLoader} as the cache uses it: failures come out as {@link CacheLoaderException}s and
 * {@code loadAll} drops null keys and values. A cache without a loader gets {@link #none()}, which loads nothing,
 * so callers never ask whether there is one.
 */
public abstract class EntryLoader<K, V> implements CacheLoader<K, V>, AutoCloseable {
  private static final EntryLoader<?, ?> NONE = new None<>();

  /** The loader the factory makes, or {@link #none()} when there is no factory. */
  public static <K, V> EntryLoader<K, V> of(Factory<CacheLoader<K, V>> factory) {
    return factory == null ? none() : new Configured<>(factory.create());
  }

  /** The loader that never finds anything. */
  @SuppressWarnings("unchecked")
  public static <K, V> EntryLoader<K, V> none() {
    return (EntryLoader<K, V>) NONE;
  }

  /** Whether a loader was configured (a bulk load without one completes at once). */
  public abstract boolean isConfigured();

  /** The loaded value, or null when the loader has none. */
  @Override
  public abstract V load(K key);

  /** The values the loader found, without null keys or values; empty for no keys. */
  @Override
  public abstract Map<K, V> loadAll(Iterable<? extends K> keys);

  @Override
  public abstract void close();

  private static final class Configured<K, V> extends EntryLoader<K, V> {
    private final CacheLoader<K, V> loader;

    Configured(CacheLoader<K, V> loader) {
      this.loader = Objects.requireNonNull(loader, "loader");
    }

    @Override
    public boolean isConfigured() {
      return true;
    }

    @Override
    public V load(K key) {
      try {
        return loader.load(key);
      } catch (RuntimeException e) {
        throw failure(e);
      }
    }

    @Override
    public Map<K, V> loadAll(Iterable<? extends K> keys) {
      if (keys instanceof Collection<?> collection && collection.isEmpty()) {
        return Map.of();
      }
      Map<K, V> loaded;
      try {
        loaded = loader.loadAll(keys);
      } catch (RuntimeException e) {
        throw failure(e);
      }
      Map<K, V> result = new LinkedHashMap<>();
      if (loaded != null) {
        loaded.forEach((key, value) -> {
          if (key != null && value != null) {
            result.put(key, value);
          }
        });
      }
      return result;
    }

    @Override
    public void close() {
      closeQuietly(loader);
    }

    private static RuntimeException failure(RuntimeException e) {
      return e instanceof CacheLoaderException ? e : new CacheLoaderException("Cache loader failed: " + e, e);
    }
  }

  private static final class None<K, V> extends EntryLoader<K, V> {
    @Override
    public boolean isConfigured() {
      return false;
    }

    @Override
    public V load(K key) {
      return null;
    }

    @Override
    public Map<K, V> loadAll(Iterable<? extends K> keys) {
      return Map.of();
    }

    @Override
    public void close() {
    }
  }
}
