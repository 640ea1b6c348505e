package io.pgjcache.internal.cache;

import io.pgjcache.internal.codec.EncodedKey;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import javax.cache.Cache;

/**
 * The primitives the cache adapter builds the JCache operations from, and where they run: {@link EntryEngine} runs
 * them on the cache's own pool, each committed as it finishes, with this node's near cache; {@link JoinedEngine}
 * runs them in a caller's open transaction, to commit or roll back with it. The adapter keeps the JCache rules
 * (checks, writer, loader, statistics) and asks one of these for everything that touches the table.
 */
public interface EntryAccess<K, V> {
  /** The value this node shares for the key without a round trip, or null (then {@link #read} it). */
  V shared(K key);

  /** The live value of a key, or null. */
  V read(EncodedKey k);

  /**
   * The live values of the keys (distinct and checked) in their order; the keys found nowhere are added to
   * {@code missing}.
   */
  Map<K, V> readAll(K[] keys, Set<K> missing);

  /** Whether the key has a live entry; not an access. */
  boolean contains(EncodedKey k);

  /**
   * Whether a read-modify-write may create an entry for a key without a row. One that never does (a replacement,
   * a removal) takes effect as of its read when the key has no row, so it need not claim the key (see
   * {@link LockedEntry#run}).
   */
  enum Creation { POSSIBLE, NEVER }

  /** Runs {@code work} on the key under its advisory lock and its row's (see {@link EntryEngine#compute}). */
  <R> R compute(String operation, Creation creation, EncodedKey k, EntryEngine.Work<K, V, R> work);

  /** A put in one statement, or empty when the caller must take the locked path. */
  Optional<Boolean> putDirect(EncodedKey k, byte[] v, V value);

  /** Puts all in one round trip, or false when the caller must write key by key. */
  boolean putAllDirect(List<EncodedKey> keys, List<byte[]> values);

  /** A removal in one statement, or empty when the caller must take the locked path. */
  Optional<Boolean> removeDirect(EncodedKey k);

  /** Removes the keys without reading first, giving how many live entries went; empty when each must go by itself. */
  OptionalLong removeKeysDirect(List<EncodedKey> keys);

  /** Removes every entry in one statement, or empty when each must be removed by itself. */
  OptionalLong removeAllDirect();

  /** Empties the table without telling anyone. */
  void clear();

  /** Number of live entries. */
  long size();

  /**
   * Pages through the entries.
   *
   * @param onAccess runs for each entry that counts as an access, or null
   * @param remover  removes a key through the cache, for {@link Iterator#remove()}
   */
  Iterator<Cache.Entry<K, V>> iterator(Runnable onAccess, Consumer<K> remover);
}
