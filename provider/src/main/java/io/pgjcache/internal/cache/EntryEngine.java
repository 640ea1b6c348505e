package io.pgjcache.internal.cache;

import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.codec.DigestKey;
import io.pgjcache.internal.codec.EncodedKey;
import io.pgjcache.internal.db.Database;
import io.pgjcache.internal.event.ClusterEvents;
import io.pgjcache.internal.event.EventDispatcher;
import io.pgjcache.internal.event.PgCacheEntryEvent;
import io.pgjcache.internal.expiry.ExpiryRules;
import io.pgjcache.internal.metrics.WriteMetrics;
import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.store.CacheTable;
import io.pgjcache.internal.store.StoredEntry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.event.EventType;

/**
 * Where one cache's entries change. Its primitive is {@link #compute}: a read-modify-write of one key in one
 * transaction that first takes the key's advisory lock, then its row's, so it is atomic across nodes, not just
 * threads; events it produces go to other nodes inside that transaction and to this node's listeners after the
 * commit. Beside it are the fast paths that need no read first, for caches where nothing needs to see an entry
 * before it changes (no writer, no listener, an expiry policy known in advance), whose concurrent calls commit
 * together ({@link GroupCommit}), and the expiry sweep.
 *
 * <p>It knows nothing of the JCache API's rules (argument checks, statistics, write-through order): the cache
 * adapter keeps those and calls in here. Thread-safe; holds no lock across I/O.
 */
public final class EntryEngine<K, V> implements EntryAccess<K, V> {
  /** The work of a {@link #compute}, run under the key's lock. */
  @FunctionalInterface
  public interface Work<K, V, R> {
    R run(LockedEntry<K, V> entry) throws SQLException;
  }

  /**
   * Batches of plain writes in flight at once while the cache's writes send no notification. Against one at a time,
   * on a machine whose idle cores were slow to wake (a query's round trip 144 to 152 µs with both cores idle, 29 µs
   * with both busy), put at 4 threads went from 0.51 and 0.50 of the plain table to 0.69 and 0.79, and at 16 threads
   * from 1.72 and 1.38 to 1.39 and 1.38 (two, in between: 0.67 at 4 threads, 1.59 and 1.54 at 16). On a machine with
   * quick wake-ups one at a time had done better at 4 threads: 0.70 to 0.92 against 0.59 to 0.79 with four (see the
   * README's write-path figures).
   */
  private static final int SILENT_BATCHES_IN_FLIGHT = 4;

  private final Cache<K, V> source;
  private final String name;
  private final Database database;
  private final CacheTable table;
  private final CacheCodec<K, V> codec;
  private final ExpiryRules expiry;
  private final EventDispatcher<K, V> events;
  /** Null when this cache publishes no events to other nodes. */
  private final ClusterEvents clusterEvents;
  /** Null when this cache has no near cache. */
  private final NearCache near;
  private final boolean byReference;
  private final boolean writesThrough;
  private final EntryReader<K, V> reader;
  /**
   * Whether the last batch that put something sent a notification, i.e. whether some node near-caches the cache:
   * the next multi-row batch then announces its keys grouped (see {@link CacheTable#putMany}), and batches go one at
   * a time ({@link #group}).
   */
  private volatile boolean notifying;
  /**
   * Where the single-statement writes of a simple cache meet (see {@link GroupCommit}): one batch at a time while
   * the writes notify, so that each notifying commit carries as many keys as possible.
   */
  private final GroupCommit group = new GroupCommit(this::runBatch, () -> notifying ? 1 : SILENT_BATCHES_IN_FLIGHT);
  private final WriteMetrics writeMetrics;
  /** The single-key writes' units of work, named once rather than on every call. */
  private final Database.Operation putOperation;
  private final Database.Operation removeOperation;
  private volatile boolean closed;

  EntryEngine(Cache<K, V> source, CacheResources<K, V> parts, CacheTable table, ClusterEvents clusterEvents,
      EventDispatcher<K, V> events) {
    this.source = Objects.requireNonNull(source, "source");
    this.name = source.getName();
    this.database = parts.database();
    this.table = Objects.requireNonNull(table, "table");
    this.codec = parts.codec();
    this.expiry = parts.expiry();
    this.events = Objects.requireNonNull(events, "events");
    this.clusterEvents = clusterEvents;
    this.near = parts.near();
    this.byReference = parts.byReference();
    this.writesThrough = parts.writer().isConfigured();
    this.reader = new EntryReader<>(name, database, table, codec, expiry, near, byReference);
    this.writeMetrics = parts.writeMetrics();
    this.putOperation = describe(name, "put");
    this.removeOperation = describe(name, "remove");
  }

  /** The cache's read path (near cache, then table). */
  public EntryReader<K, V> reader() {
    return reader;
  }

  @Override
  public V shared(K key) {
    return reader.shared(key);
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
  public Iterator<Cache.Entry<K, V>> iterator(Runnable onAccess, Consumer<K> remover) {
    return new EntryIterator<>(name, database, table, codec, reader, onAccess, remover);
  }

  /**
   * Runs {@code work} on the key in one transaction holding the key's advisory lock and its row's lock (see
   * {@link LockedEntry#run}), then publishes the events it produced once the change has committed and brings this
   * node's near copy up to date.
   */
  @Override
  public <R> R compute(String operation, Creation creation, EncodedKey k, Work<K, V, R> work) {
    LockedEntry.Done<K, V, R> done;
    try {
      done = database.transaction(describe(name, operation), c -> {
        LockedEntry.Done<K, V, R> worked = LockedEntry.run(this, table, c, k, table.lock(c, k), creation,
            work);
        LockedEntry<K, V> entry = worked.entry();
        publishToCluster(c, entry.events);
        if (byReference && entry.stored != null) {
          entry.pending = near.beginWrite(k.digestKey());
        }
        return worked;
      });
    } catch (RuntimeException e) {
      // The commit may have happened before the connection broke.
      invalidate(k);
      throw e;
    }
    LockedEntry<K, V> entry = done.entry();
    if (entry.pending != null) {
      near.completeWrite(k.digestKey(), entry.pending, entry.backendPid, entry.storedBytes, entry.storedExpiry,
          entry.stored, k.remembered());
    } else if (entry.changed) {
      invalidate(k);
    }
    events.publish(entry.events);
    return done.result();
  }

  /** No writer, no listener, a policy known in advance: single statements need no read first. */
  public boolean isSimple() {
    return !writesThrough && !wantsEvents() && expiry.isPredictable();
  }

  /** Whether writes must produce events: for listeners here, or for listeners on other nodes. */
  boolean wantsEvents() {
    return clusterEvents != null || events.hasListeners();
  }

  /**
   * Puts without reading first when nothing needs to see the entry and it is not created already expired, giving
   * true (a put); empty when the caller must take the locked path instead. Concurrent such puts of this node go
   * together in one transaction ({@link GroupCommit}).
   */
  @Override
  public Optional<Boolean> putDirect(EncodedKey k, byte[] v, V value) {
    long now = EntryReader.now();
    long creation = isSimple() ? expiry.forCreation(now) : now;
    if (creation <= now) {
      return Optional.empty();
    }
    if (byReference) {
      putInstance(k, v, value, creation, expiry.forUpdate(now, StoredEntry.ETERNAL), now);
      return Optional.of(true);
    }
    group.put(List.of(k), List.of(v));
    return Optional.of(true);
  }

  /** The single-statement put of a store-by-reference cache, which keeps the instance it stored. */
  private void putInstance(EncodedKey k, byte[] v, V value, long creation, long update, long now) {
    NearCache.PendingWrite pending = near.beginWrite(k.digestKey());
    CacheTable.PutReceipt receipt;
    try {
      receipt = database.autoCommit(describe(name, "put"), c ->
          table.putReturning(c, k, v, creation, expiry.updateKeepsExpiry(), update, now));
    } catch (RuntimeException e) {
      invalidate(k);
      throw e;
    }
    if (pending == null) {
      invalidate(k);
    } else {
      near.completeWrite(k.digestKey(), pending, receipt.backendPid(), v, receipt.expiresAt(), value, k.remembered());
    }
  }

  /**
   * Puts all keys with their values without reading first when nothing needs to see the entries; returns false when
   * the caller must write key by key. A store-by-reference cache always writes key by key, so that each write knows
   * what it stored and keeps it.
   */
  @Override
  public boolean putAllDirect(List<EncodedKey> keys, List<byte[]> values) {
    long now = EntryReader.now();
    if (!isSimple() || byReference || expiry.forCreation(now) <= now) {
      return false;
    }
    if (!keys.isEmpty()) {
      group.put(keys, values);
    }
    return true;
  }

  /** Removes without reading first, giving whether a live entry went; empty when the caller must lock instead. */
  @Override
  public Optional<Boolean> removeDirect(EncodedKey k) {
    if (!isSimple()) {
      return Optional.empty();
    }
    return Optional.of(group.remove(List.of(k)) > 0);
  }

  /**
   * Removes the keys without reading first, giving how many live entries went; empty when a writer or listeners
   * must see each entry (the caller then removes them one by one).
   */
  @Override
  public OptionalLong removeKeysDirect(List<EncodedKey> keys) {
    if (!isSimple()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(keys.isEmpty() ? 0 : group.remove(keys));
  }

  /**
   * Runs one batch of grouped writes, all puts or all removals, in one statement that locks its rows in one order
   * (see {@link CacheTable#putMany}) and announces the keys it changed. This node's copies of the keys are
   * dropped whatever happens (the commit may have happened before a connection broke).
   */
  private void runBatch(List<GroupCommit.Call> batch) {
    if (batch.size() == 1 && batch.get(0).keys().size() == 1) {
      runAlone(batch.get(0));
      return;
    }
    // A key put twice in one batch is written once, with the later value (one statement cannot upsert a row twice).
    Map<DigestKey, CacheTable.PutRow> puts = new LinkedHashMap<>();
    List<EncodedKey> removals = new ArrayList<>();
    for (GroupCommit.Call call : batch) {
      for (int i = 0; i < call.keys().size(); i++) {
        EncodedKey k = call.keys().get(i);
        if (call.kind() == GroupCommit.Kind.PUT) {
          puts.put(k.digestKey(), new CacheTable.PutRow(k, call.values().get(i)));
        } else {
          removals.add(k);
        }
      }
    }
    List<CacheTable.PutRow> putRows = new ArrayList<>(puts.values());
    long now = EntryReader.now();
    try {
      Map<DigestKey, Long> removed = writeBatch(putRows, removals, now);
      if (batch.size() > 1) {
        writeMetrics.groupCommitted(batch.stream().mapToInt(call -> call.keys().size()).sum());
      }
      for (GroupCommit.Call call : batch) {
        if (call.kind() == GroupCommit.Kind.REMOVE) {
          call.removedLive(call.keys().stream().map(k -> removed.get(k.digestKey()))
              .filter(expiresAt -> expiresAt != null && expiresAt > now).count());
        }
      }
    } finally {
      for (GroupCommit.Call call : batch) {
        call.keys().forEach(this::invalidate);
      }
    }
  }

  /**
   * A batch of one call naming one key, which is every write of a lone thread: its single statement, without the
   * gathering and the bookkeeping of a batch of several. Together with {@link GroupCommit} running such a call as a
   * batch of itself, without gathering a batch under its lock, this took the JVM's CPU time per put at 4 threads from
   * 52 to 61 µs down to 46 to 49 µs, and put from 0.64 to 0.73 of the plain table to 0.79 to 0.83 (load driver,
   * PostgreSQL 15, three runs each, taking turns).
   */
  private void runAlone(GroupCommit.Call call) {
    EncodedKey k = call.keys().get(0);
    long now = EntryReader.now();
    try {
      if (call.kind() == GroupCommit.Kind.PUT) {
        putOne(k, call.values().get(0), now);
      } else {
        Long expiresAt = database.autoCommit(removeOperation, c -> table.deleteOne(c, k));
        call.removedLive(expiresAt != null && expiresAt > now ? 1 : 0);
      }
    } finally {
      invalidate(k);
    }
  }

  private void putOne(EncodedKey k, byte[] value, long now) {
    long creation = expiry.forCreation(now);
    long update = expiry.forUpdate(now, StoredEntry.ETERNAL);
    boolean keep = expiry.updateKeepsExpiry();
    boolean nobodyNearCachedLast = !notifying;
    notifying = database.autoCommit(putOperation, c ->
        table.put(c, k, value, creation, keep, update, now, nobodyNearCachedLast));
  }

  /**
   * The statements of any batch but a lone call of one key ({@link #runAlone}); returns the expiry of each row
   * removed, by digest. Its removals are at least two, of distinct keys (see {@link GroupCommit}); its puts may merge
   * into one row.
   */
  private Map<DigestKey, Long> writeBatch(List<CacheTable.PutRow> putRows, List<EncodedKey> removals, long now) {
    if (removals.isEmpty() && putRows.size() == 1) {
      putOne(putRows.get(0).key(), putRows.get(0).value(), now);
      return Map.of();
    }
    long creation = expiry.forCreation(now);
    long update = expiry.forUpdate(now, StoredEntry.ETERNAL);
    boolean keep = expiry.updateKeepsExpiry();
    // A batch holds writes of one kind (see GroupCommit).
    if (removals.isEmpty()) {
      notifying = database.autoCommit(describe(name, putRows.size() + " puts, grouped"),
          c -> table.putMany(c, putRows, notifying, creation, keep, update, now));
      return Map.of();
    }
    return database.autoCommit(describe(name, removals.size() + " removals, grouped"),
        c -> table.deleteMany(c, removals));
  }

  /**
   * Removes every entry with one statement, returning how many live ones went; empty when a writer or listeners
   * must see each entry (the caller then removes them one by one).
   */
  @Override
  public OptionalLong removeAllDirect() {
    if (writesThrough || wantsEvents()) {
      return OptionalLong.empty();
    }
    long now = EntryReader.now();
    try {
      return OptionalLong.of(database.autoCommit(describe(name, "removeAll"), c -> table.deleteAll(c, now)));
    } finally {
      invalidateAll();
    }
  }

  /** Empties the table without telling anyone (no writer, no events, no statistics). */
  @Override
  public void clear() {
    try {
      database.autoCommit(describe(name, "clear"), c -> {
        table.clear(c);
        return null;
      });
    } finally {
      invalidateAll();
    }
  }

  /** Number of live entries, counted in the database. */
  @Override
  public long size() {
    long now = EntryReader.now();
    return database.autoCommit(describe(name, "size"), c -> table.count(c, now));
  }

  /** Deletes expired rows in bounded batches and fires expired events. Returns the rows removed. */
  public long sweep(long now, int batchSize, int maxBatches) {
    long total = 0;
    for (int batch = 0; batch < maxBatches && !closed; batch++) {
      List<PgCacheEntryEvent<K, V>> expired = new ArrayList<>();
      List<StoredEntry> removed = database.transaction(describe(name, "sweep"), c -> {
        List<StoredEntry> rows = table.sweep(c, now, batchSize);
        if (wantsEvents()) {
          for (StoredEntry row : rows) {
            V value = codec.decodeValue(row.valueBytes(), row.rowKey());
            expired.add(event(EventType.EXPIRED, codec.decodeKey(row.keyBytes(), row.rowKey()), value, value, true));
          }
          publishToCluster(c, expired);
        }
        return rows;
      });
      total += removed.size();
      events.publish(expired);
      if (removed.size() < batchSize) {
        break;
      }
    }
    return total;
  }

  /** Stops sweeping; the cache is closing. */
  void close() {
    closed = true;
  }

  PgCacheEntryEvent<K, V> event(EventType type, K key, V value, V oldValue, boolean oldValueAvailable) {
    return new PgCacheEntryEvent<>(source, type, key, value, oldValue, oldValueAvailable);
  }

  ExpiryRules expiry() {
    return expiry;
  }

  CacheTable table() {
    return table;
  }

  /** Drops this node's copy of a key after a write (other nodes drop theirs when the notification arrives). */
  private void invalidate(EncodedKey k) {
    if (near != null) {
      near.invalidate(k.digestKey());
    }
  }

  private void invalidateAll() {
    if (near != null) {
      near.invalidateAll();
    }
  }

  /** Sends the events to the other nodes as part of the transaction that made them. */
  private void publishToCluster(Connection c, List<PgCacheEntryEvent<K, V>> produced) throws SQLException {
    publish(c, clusterEvents, produced);
  }

  /** Whether other nodes hear this cache's events. */
  boolean publishesToCluster() {
    return clusterEvents != null;
  }

  /** Sends the events through {@code to} as part of the connection's transaction (nothing when {@code to} is null). */
  void publish(Connection c, ClusterEvents to, List<PgCacheEntryEvent<K, V>> produced) throws SQLException {
    if (to == null || produced.isEmpty()) {
      return;
    }
    List<ClusterEvents.Outgoing> outgoing = new ArrayList<>(produced.size());
    for (PgCacheEntryEvent<K, V> event : produced) {
      // In their stored form, signed like a row's, so that receivers check them the same way.
      EncodedKey k = codec.encodeKey(event.getKey());
      outgoing.add(new ClusterEvents.Outgoing(event.getEventType(), k.bytes(),
          event.getValue() == null ? null : codec.encodeValue(event.getValue(), k),
          event.getOldValue() == null ? null : codec.encodeValue(event.getOldValue(), k)));
    }
    to.publish(c, outgoing);
  }

  /** The operation, named in an error message (built only if one is needed) and in the cache's round-trip counts. */
  static Database.Operation describe(String cacheName, String operation) {
    return new Database.Operation(cacheName, operation);
  }
}
