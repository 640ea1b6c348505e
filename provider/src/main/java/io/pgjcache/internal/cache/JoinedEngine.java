package io.pgjcache.internal.cache;

import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.codec.EncodedKey;
import io.pgjcache.internal.db.JoinedTransaction;
import io.pgjcache.internal.event.ClusterEvents;
import io.pgjcache.internal.event.EventDispatcher;
import io.pgjcache.internal.expiry.ExpiryRules;
import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.store.CacheTable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import javax.cache.Cache;

/**
 * A cache's primitives run in a caller's open transaction ({@link JoinedTransaction}), so that every change commits
 * or rolls back with the caller's own work.
 *
 * <p><b>Locks.</b> A change takes the key's advisory lock and the lock of its row (or claims a key without one) as
 * {@link EntryEngine#compute} does, but the locks are the caller's transaction's: other writers of that key that
 * would change it, on any node, wait until it commits or rolls back. Here every change claims a key without a row,
 * those that can never create an entry too, so that the key stays held for the rest of the caller's transaction.
 *
 * <p><b>Reads</b> go to the table on the caller's connection, never to the near cache, and install nothing in it:
 * they see what the transaction sees, its own uncommitted changes included, and those must not reach anyone else.
 *
 * <p><b>Near caches and listeners.</b> The commit's notification, which PostgreSQL sends only when the transaction
 * commits, invalidates other nodes' copies; a rollback sends nothing and changes nothing there. This node drops its
 * copy of a changed key at once and {@linkplain NearCache#hold holds} the key until its own notification arrives,
 * so its readers read PostgreSQL meanwhile: the committed state before the commit, the new one right after it.
 * Entry events go out inside the transaction as notifications that this node hears too, so its listeners hear a
 * change when it commits, never one that rolled back.
 *
 * <p>Every write takes the locked path (no single-statement fast paths): the writes of a transaction are few, and
 * the lock then guards the key until the commit. Every write notifies, whether or not a node near-caches the cache
 * ({@link CacheTable#inCallersTransaction}). Not thread-safe beyond what the caller's connection is.
 */
final class JoinedEngine<K, V> implements EntryAccess<K, V> {
  private final String name;
  private final EntryEngine<K, V> engine;
  private final JoinedTransaction transaction;
  private final CacheTable table;
  private final CacheCodec<K, V> codec;
  private final EventDispatcher<K, V> events;
  private final EntryReader<K, V> reader;
  /** This node's near cache, or null. */
  private final NearCache near;
  /** Where the events of a change go: other nodes (if they hear this cache's events) and, when it commits, here. */
  private final ClusterEvents toEveryone;
  private final ClusterEvents toOthers;
  private final ClusterEvents toSelf;

  /**
   * @param transactionEvents a publisher for this cache's events, or null when there is no notification stream
   */
  JoinedEngine(String name, EntryEngine<K, V> engine, JoinedTransaction transaction, CacheCodec<K, V> codec,
      ExpiryRules expiry, NearCache near, EventDispatcher<K, V> events, ClusterEvents transactionEvents) {
    this.name = Objects.requireNonNull(name, "name");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.transaction = Objects.requireNonNull(transaction, "transaction");
    this.table = engine.table().inCallersTransaction();
    this.codec = Objects.requireNonNull(codec, "codec");
    this.events = Objects.requireNonNull(events, "events");
    this.near = near;
    this.reader = new EntryReader<>(name, transaction, table, codec, expiry, null, false);
    this.toOthers = transactionEvents;
    this.toEveryone = transactionEvents == null ? null : transactionEvents.heardBySender(true);
    this.toSelf = transactionEvents == null ? null : transactionEvents.heardBySender(false);
  }

  @Override
  public <R> R compute(String operation, Creation creation, EncodedKey k, EntryEngine.Work<K, V, R> work) {
    return transaction.run(EntryEngine.describe(name, operation), c -> {
      int backendPid = table.lock(c, k);
      // Whatever the operation, the key stays held until the caller's transaction ends (see Locks above).
      LockedEntry.Done<K, V, R> done = LockedEntry.run(engine, table, c, k, backendPid, Creation.POSSIBLE, work);
      LockedEntry<K, V> entry = done.entry();
      engine.publish(c, audience(), entry.events);
      if (entry.changed && near != null) {
        near.hold(k.digestKey(), backendPid);
      }
      return done.result();
    });
  }

  /** The publisher for a change's events: whoever listens, this node included; null when nobody does. */
  private ClusterEvents audience() {
    boolean others = engine.publishesToCluster();
    if (events.hasListeners()) {
      return others ? toEveryone : toSelf;
    }
    return others ? toOthers : null;
  }

  /** Nothing is shared: a transaction reads what it sees on its own connection. */
  @Override
  public V shared(K key) {
    return null;
  }

  @Override
  public V read(EncodedKey k) {
    return reader.read(k);
  }

  @Override
  public Map<K, V> readAll(K[] keys, Set<K> missing) {
    return reader.readAll(keys, missing);
  }

  @Override
  public boolean contains(EncodedKey k) {
    return reader.contains(k);
  }

  @Override
  public Optional<Boolean> putDirect(EncodedKey k, byte[] v, V value) {
    return Optional.empty();
  }

  @Override
  public boolean putAllDirect(List<EncodedKey> keys, List<byte[]> values) {
    return false;
  }

  @Override
  public Optional<Boolean> removeDirect(EncodedKey k) {
    return Optional.empty();
  }

  @Override
  public OptionalLong removeKeysDirect(List<EncodedKey> keys) {
    return OptionalLong.empty();
  }

  @Override
  public OptionalLong removeAllDirect() {
    return OptionalLong.empty();
  }

  @Override
  public void clear() {
    transaction.run(EntryEngine.describe(name, "clear"), c -> {
      table.clear(c);
      return null;
    });
  }

  @Override
  public long size() {
    long now = EntryReader.now();
    return transaction.run(EntryEngine.describe(name, "size"), c -> table.count(c, now));
  }

  @Override
  public Iterator<Cache.Entry<K, V>> iterator(Runnable onAccess, Consumer<K> remover) {
    return new EntryIterator<>(name, transaction, table, codec, reader, onAccess, remover);
  }
}
