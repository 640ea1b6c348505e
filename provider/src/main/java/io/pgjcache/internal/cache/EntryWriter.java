package io.pgjcache.internal.cache;

import static io.pgjcache.internal.Closeables.closeQuietly;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * A cache's {@link CacheWriter} as the cache uses it: failures come out as {@link CacheWriterException}s, and a
 * bulk call says which keys the writer took before it failed. A cache that does not write through gets
 * {@link #none()}, which accepts everything and writes nothing.
 */
public abstract class EntryWriter<K, V> implements AutoCloseable {
  private static final EntryWriter<?, ?> NONE = new None<>();

  /** What a bulk call reached: the keys the writer took, and its failure on the rest (or null). */
  public record Batch<K>(Collection<K> done, CacheWriterException failure) {
    /** Throws the writer's failure, if it had one. */
    public void rethrow() {
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** The writer the factory makes when the cache writes through, else {@link #none()}. */
  public static <K, V> EntryWriter<K, V> of(boolean writeThrough,
      Factory<? extends CacheWriter<? super K, ? super V>> factory) {
    return writeThrough && factory != null ? new Configured<>(factory.create()) : none();
  }

  @SuppressWarnings("unchecked")
  public static <K, V> EntryWriter<K, V> none() {
    return (EntryWriter<K, V>) NONE;
  }

  /** Whether a writer must see writes (then they cannot skip reading the entry first). */
  public abstract boolean isConfigured();

  public abstract void write(K key, V value);

  public abstract void delete(K key);

  /** Writes the entries; whatever the writer took is in {@link Batch#done()}, even when it failed on the rest. */
  public abstract Batch<K> writeAll(Map<K, V> entries);

  /** Deletes the keys; whatever the writer took is in {@link Batch#done()}, even when it failed on the rest. */
  public abstract Batch<K> deleteAll(List<K> keys);

  @Override
  public abstract void close();

  private static final class Configured<K, V> extends EntryWriter<K, V> {
    private final CacheWriter<? super K, ? super V> writer;

    Configured(CacheWriter<? super K, ? super V> writer) {
      this.writer = Objects.requireNonNull(writer, "writer");
    }

    @Override
    public boolean isConfigured() {
      return true;
    }

    @Override
    public void write(K key, V value) {
      try {
        writer.write(new PgCacheEntry<>(key, value));
      } catch (RuntimeException e) {
        throw failure(e);
      }
    }

    @Override
    public void delete(K key) {
      try {
        writer.delete(key);
      } catch (RuntimeException e) {
        throw failure(e);
      }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Batch<K> writeAll(Map<K, V> entries) {
      List<Cache.Entry<K, V>> pending = new ArrayList<>();
      entries.forEach((key, value) -> pending.add(new PgCacheEntry<>(key, value)));
      try {
        // The writer takes entries of its own (wider) types; ours are those too.
        ((CacheWriter) writer).writeAll((Collection) pending);
        return new Batch<>(entries.keySet(), null);
      } catch (RuntimeException e) {
        // The writer leaves in the collection what it did not write.
        Set<K> notWritten = new HashSet<>();
        pending.forEach(entry -> notWritten.add(entry.getKey()));
        List<K> written = new ArrayList<>(entries.keySet());
        written.removeAll(notWritten);
        return new Batch<>(written, failure(e));
      }
    }

    @Override
    public Batch<K> deleteAll(List<K> keys) {
      if (keys.isEmpty()) {
        return new Batch<>(keys, null);
      }
      List<K> pending = new ArrayList<>(keys);
      try {
        writer.deleteAll(pending);
        return new Batch<>(keys, null);
      } catch (RuntimeException e) {
        // The writer leaves in the collection what it did not delete.
        List<K> deleted = new ArrayList<>(keys);
        deleted.removeAll(pending);
        return new Batch<>(deleted, failure(e));
      }
    }

    @Override
    public void close() {
      closeQuietly(writer);
    }

    private static CacheWriterException failure(RuntimeException e) {
      return e instanceof CacheWriterException cwe ? cwe : new CacheWriterException("Cache writer failed: " + e, e);
    }
  }

  private static final class None<K, V> extends EntryWriter<K, V> {
    @Override
    public boolean isConfigured() {
      return false;
    }

    @Override
    public void write(K key, V value) {
    }

    @Override
    public void delete(K key) {
    }

    @Override
    public Batch<K> writeAll(Map<K, V> entries) {
      return new Batch<>(entries.keySet(), null);
    }

    @Override
    public Batch<K> deleteAll(List<K> keys) {
      return new Batch<>(keys, null);
    }

    @Override
    public void close() {
    }
  }
}
