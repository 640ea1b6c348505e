package io.pgjcache.internal.cache;

import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.codec.EncodedKey;
import io.pgjcache.internal.management.CacheStatistics;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The skeleton every single-key change of the JCache API shares: encode the key and value, try the single-statement
 * fast path, else run the change under the key's lock ({@link EntryEngine#compute}), then count it as its
 * {@link ChangeKind} says. The cache adapter supplies only what differs: the fast path, the change, and what counts
 * as having changed the entry.
 */
public final class KeyChanges<K, V> {
  /** A single-statement way to make the change. */
  @FunctionalInterface
  public interface FastPath<R> {
    /** The result of a single statement, or empty when the change must take the key's lock. */
    Optional<R> tryRun(EncodedKey k, byte[] valueBytes);
  }

  /** The change as it runs under the key's lock, with the value already encoded (null when there is none). */
  @FunctionalInterface
  public interface Change<K, V, R> {
    R run(LockedEntry<K, V> entry, byte[] valueBytes) throws SQLException;
  }

  /** What a conditional change does when the entry holds the expected value. */
  @FunctionalInterface
  public interface Action<K, V> {
    void run(LockedEntry<K, V> entry, byte[] valueBytes) throws SQLException;
  }

  /** Whether a conditional change found nothing, found a non-matching entry, or changed it. */
  public enum Outcome { MISS, HIT, CHANGED }

  private final CacheCodec<K, V> codec;
  /**
   * Where the changes run, asked on each change: a cache made during an outage binds to its table on first use.
   */
  private final Supplier<? extends EntryAccess<K, V>> engine;
  private final CacheStatistics statistics;

  public KeyChanges(CacheCodec<K, V> codec, Supplier<? extends EntryAccess<K, V>> engine,
      CacheStatistics statistics) {
    this.codec = codec;
    this.engine = engine;
    this.statistics = statistics;
  }

  /** The fast path of a change that has none: it always takes the key's lock. */
  public static <R> FastPath<R> lockOnly() {
    return (k, v) -> Optional.empty();
  }

  /**
   * Makes the change and counts it.
   *
   * @param value   the value to encode for the change, or null
   * @param changed whether the result means the entry was stored or removed (a put or a removal to count)
   */
  public <R> R run(ChangeKind kind, K key, V value, FastPath<R> fastPath, Change<K, V, R> change,
      Predicate<? super R> changed) {
    long start = System.nanoTime();
    EncodedKey k = codec.encodeKey(key);
    byte[] v = value == null ? null : codec.encodeValue(value, k);
    boolean[] found = new boolean[1];
    R result = fastPath.tryRun(k, v).orElseGet(() -> engine.get().compute(kind.operation(), kind.creation(), k,
        entry -> {
          found[0] = entry.isLive();
          return change.run(entry, v);
        }));
    kind.record(statistics, found[0], changed.test(result), start);
    return result;
  }

  /**
   * A conditional change ({@code remove(k, v)}, {@code replace(k, v, new)}): the action runs only when the live
   * value equals the expected one; a mismatch still counts as an access of the entry.
   */
  public static <K, V> Change<K, V, Outcome> ifEquals(V expected, Action<K, V> action) {
    return (entry, v) -> {
      if (!entry.isLive()) {
        return Outcome.MISS;
      }
      if (!expected.equals(entry.value())) {
        entry.touch();
        return Outcome.HIT;
      }
      action.run(entry, v);
      return Outcome.CHANGED;
    };
  }
}
