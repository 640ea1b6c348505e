package io.pgjcache;

import static io.pgjcache.internal.cache.KeyChanges.ifEquals;
import static io.pgjcache.internal.cache.KeyChanges.lockOnly;

import io.pgjcache.internal.HashCapacity;
import io.pgjcache.internal.cache.CacheResources;
import io.pgjcache.internal.cache.ChangeKind;
import io.pgjcache.internal.cache.EntryAccess;
import io.pgjcache.internal.cache.EntryAccess.Creation;
import io.pgjcache.internal.cache.EntryChecks;
import io.pgjcache.internal.cache.EntryEngine;
import io.pgjcache.internal.cache.EntryLoader;
import io.pgjcache.internal.cache.EntryWriter;
import io.pgjcache.internal.cache.KeyChanges.Outcome;
import io.pgjcache.internal.cache.LoggingCompletionListener;
import io.pgjcache.internal.cache.KeyChanges;
import io.pgjcache.internal.cache.LockedEntry;
import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.codec.EncodedKey;
import io.pgjcache.internal.event.EventDispatcher;
import io.pgjcache.internal.expiry.ExpirySweeper;
import io.pgjcache.internal.management.CacheConfigurationBean;
import io.pgjcache.internal.management.CacheStatistics;
import io.pgjcache.internal.management.MBeans;
import io.pgjcache.internal.processor.PgMutableEntry;
import io.pgjcache.internal.processor.ProcessorResults;
import io.pgjcache.management.CacheMetricsMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * A cache whose entries live in one PostgreSQL table, shared by every node that opens a cache of the
 * same name on the same database.
 *
 * <p>This class holds the JCache rules: it checks arguments, calls the writer and loader where the specification
 * places them, counts statistics and hands everything else to an {@link EntryAccess}: the cache's own
 * {@link EntryEngine} (its pool and near cache), or, for a view made by {@link #inTransaction}, the caller's open
 * transaction.
 *
 * <p><b>Round trips.</b> With no writer, no listener and one of the JCache API's own expiry policies,
 * {@code get}, {@code put}, {@code remove} and {@code containsKey} are one statement each, and
 * {@code getAll}/{@code putAll} one round trip for all keys. Everything that must read before it
 * writes ({@code invoke}, {@code getAndPut}, conditional operations, and any write that a writer, a
 * listener or a custom expiry policy must see) runs in one transaction that first takes the key's
 * advisory lock, then its row's, so it is atomic across nodes, not just threads.
 *
 * <p><b>Threading.</b> Thread-safe; no monitor is held across I/O. Synchronous listeners run in the
 * caller's thread after commit; asynchronous listeners and {@code loadAll} run on the manager's executor.
 */
public final class PgCache<K, V> implements Cache<K, V>, ExpirySweeper.Sweepable {
  private final CacheManager manager;
  private final Consumer<Cache<?, ?>> onClose;
  private final String name;
  private final PgCacheConfiguration<K, V> configuration;
  private final EntryChecks<K, V> checks;
  private final CacheResources<K, V> resources;
  private final CacheCodec<K, V> codec;
  private final EntryLoader<K, V> loader;
  /** The loader where reads go through it ({@code get}, {@code getAll}, {@code invoke}), else none. */
  private final EntryLoader<K, V> readThrough;
  private final EntryWriter<K, V> writer;
  private final EventDispatcher<K, V> events;
  private final CacheStatistics statistics;
  /** Where the operations run: the cache's own engine, or a caller's transaction for a view made by inTransaction. */
  private final Supplier<EntryAccess<K, V>> access;
  /** The skeleton of the single-key changes: encode, fast path or locked change, count. */
  private final KeyChanges<K, V> changes;
  /** For a view made by {@link #inTransaction}, the cache it is a view of; else null. */
  private final PgCache<K, V> viewOf;
  private volatile boolean closed;

  /**
   * @param onClose runs once when the cache closes (the manager forgets it)
   */
  PgCache(CacheManager manager, Consumer<Cache<?, ?>> onClose, PgCacheConfiguration<K, V> configuration,
      CacheResources<K, V> resources) {
    this.manager = Objects.requireNonNull(manager, "manager");
    this.onClose = Objects.requireNonNull(onClose, "onClose");
    this.configuration = Objects.requireNonNull(configuration, "configuration");
    this.resources = Objects.requireNonNull(resources, "resources");
    this.name = resources.name();
    this.checks = new EntryChecks<>(name, configuration);
    this.codec = resources.codec();
    this.loader = resources.loader();
    this.readThrough = configuration.isReadThrough() ? loader : EntryLoader.none();
    this.writer = resources.writer();
    this.events = resources.events();
    this.statistics = new CacheStatistics();
    this.access = resources::engine;
    this.viewOf = null;
    resources.attach(this);
    this.changes = new KeyChanges<>(codec, access, statistics);
    for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
      events.register(listener);
    }
    setStatisticsEnabled(configuration.isStatisticsEnabled());
    setManagementEnabled(configuration.isManagementEnabled());
  }

  /** A view of {@code cache} whose operations run in {@code transaction}; it shares everything else. */
  private PgCache(PgCache<K, V> cache, EntryAccess<K, V> transaction) {
    this.manager = cache.manager;
    this.onClose = view -> { };
    this.configuration = cache.configuration;
    this.resources = cache.resources;
    this.name = cache.name;
    this.checks = cache.checks;
    this.codec = cache.codec;
    this.loader = cache.loader;
    this.readThrough = cache.readThrough;
    this.writer = cache.writer;
    this.events = cache.events;
    this.statistics = cache.statistics;
    this.access = () -> transaction;
    this.viewOf = cache;
    this.changes = new KeyChanges<>(codec, access, statistics);
  }

  /**
   * This cache as seen from inside the transaction open on {@code connection}: every operation of the returned
   * view runs on that connection, as part of that transaction, and so commits or rolls back with it. Use it to
   * change data and cache together: a rolled-back transaction leaves the cache as it was, a committed one changes
   * both at once, and no crash in between can leave the cache out of step with the data.
   *
   * <ul>
   *   <li><b>Visibility.</b> Reads through the view see the transaction's own changes; nobody else sees them
   *   before the commit. Reads through the view always go to PostgreSQL (not to the near cache) and install
   *   nothing in it.
   *   <li><b>Near caches.</b> Other nodes' copies of a changed key are dropped when the commit's notification
   *   arrives (PostgreSQL sends it only at commit, never for a rollback); until then they serve the last committed
   *   value, as for any change made elsewhere. This node drops its copy at the change and reads PostgreSQL for that
   *   key until its own notification arrives (for at most a minute, for a transaction that rolled back), so its
   *   readers see the committed value before the commit and the new one right after it.
   *   <li><b>Locks.</b> A change takes the key's advisory lock and its row's lock in the transaction: writers of that
   *   key elsewhere (on any node, inside a transaction or not) wait until it commits or rolls back. Keep such
   *   transactions short, and change keys in a consistent order in transactions that may run concurrently
   *   (PostgreSQL detects a deadlock and aborts one of them).
   *   <li><b>Listeners</b> on every node hear a change when it commits, through its notification (so a synchronous
   *   listener on this node is not called in the committing thread); a rollback produces no event.
   *   <li><b>Writers and loaders</b> are called as the operation runs, as for the cache itself: a cache writer is
   *   not rolled back with the transaction.
   *   <li><b>Failures.</b> A failed statement aborts the caller's transaction, as any failed statement in
   *   PostgreSQL does. The view holds no connection of its own and never commits, rolls back or closes the
   *   caller's one.
   * </ul>
   *
   * <p>A view holds nothing but the connection: it serves that connection's later transactions too, on the one
   * thread that uses the connection. Store-by-reference caches return copies through a view. {@code loadAll} runs
   * on the cache itself (it loads on another thread). {@code close()} on a view only closes the view; listener
   * registration acts on the cache itself.
   *
   * @param connection a connection to the database this cache lives in, with auto-commit off
   * @throws IllegalArgumentException when the connection is in auto-commit mode (there is no transaction to join)
   *                                  or connected to another database than the cache's
   * @throws CacheException           when the connection or the cache's own database cannot be asked
   */
  public Cache<K, V> inTransaction(Connection connection) {
    requireOpen();
    Objects.requireNonNull(connection, "connection");
    return new PgCache<>(viewOf == null ? this : viewOf, resources.joined(connection));
  }

  /**
   * The quoted, schema-qualified name of the table holding this cache's entries. A cache made while the database
   * was down learns it when it binds, so this fails like any operation until the database is back.
   */
  public String getTableName() {
    return resources.table().qualifiedName();
  }

  /**
   * Binds the cache to its table now, if it is not yet: the manager tries this when it opens the cache.
   *
   * @throws CacheException when the database cannot be asked (see {@link CacheResources#engine})
   */
  void bind() {
    resources.engine();
  }

  /** Waits, at most {@code timeout}, until the near cache of the bound cache serves (see {@link CacheResources}). */
  void awaitNearCacheServing(Duration timeout) {
    resources.awaitNearCacheServing(timeout);
  }

  /**
   * This cache's figures on this node beyond the standard statistics (near cache, round trips, invalidations),
   * also registered as the MBean {@code pgjcache:type=CacheMetrics,CacheManager=...,Cache=...}.
   */
  public CacheMetricsMXBean getMetrics() {
    return resources.metrics();
  }

  /** The registry id the cache is bound to, or empty while it waits for the database. */
  OptionalInt boundId() {
    return resources.boundId();
  }

  /** Number of live entries, counted in the database (a full scan: for tests and operators, not hot paths). */
  public long size() {
    requireOpen();
    return access().size();
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Override
  public V get(K key) {
    requireOpen();
    checks.key(key);
    // A near-cache hit takes about as long as reading the clock, so read it only when someone counts.
    long start = statistics.isEnabled() ? System.nanoTime() : 0;
    V value = access().shared(key);
    if (value == null) {
      EncodedKey k = codec.encodeKey(key);
      value = access().read(k);
      countRead(value != null);
      if (value == null) {
        value = readThrough.load(key);
        if (value != null) {
          storeLoaded(key, k, value, true);
        }
      }
    } else {
      statistics.recordHits(1);
    }
    if (start != 0) {
      statistics.recordGetTime(start);
    }
    return value;
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    requireOpen();
    K[] batch = checks.keyArray(keys);
    long start = System.nanoTime();
    Set<K> missing = new HashSet<>();
    Map<K, V> result = access().readAll(batch, missing);
    statistics.recordHits(result.size());
    statistics.recordMisses(missing.size());
    if (!missing.isEmpty()) {
      readThrough.loadAll(missing).forEach((key, value) -> {
        storeLoaded(key, codec.encodeKey(key), value, true);
        result.put(key, value);
      });
    }
    statistics.recordGetTime(start);
    return result;
  }

  @Override
  public boolean containsKey(K key) {
    requireOpen();
    checks.key(key);
    return access().contains(codec.encodeKey(key));
  }

  // ---- writes ----------------------------------------------------------------------------------

  @Override
  public void put(K key, V value) {
    requireOpen();
    checks.entry(key, value);
    changes.run(ChangeKind.PUT, key, value, (k, v) -> access().putDirect(k, v, value), (entry, v) -> {
      writer.write(key, value);
      return entry.store(key, value, v);
    }, Boolean::booleanValue);
  }

  @Override
  public V getAndPut(K key, V value) {
    requireOpen();
    checks.entry(key, value);
    return changes.run(ChangeKind.GET_AND_PUT, key, value, lockOnly(), (entry, v) -> {
      V previous = entry.value();
      writer.write(key, value);
      return new Old<>(previous, entry.store(key, value, v));
    }, Old::changed).value();
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    requireOpen();
    Objects.requireNonNull(map, "map");
    Map<K, V> entries = new LinkedHashMap<>(HashCapacity.of(map.size()));
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      checks.entry(entry.getKey(), entry.getValue());
      entries.put(entry.getKey(), entry.getValue());
    }
    long start = System.nanoTime();
    // Encoded in the entries' order, into the lists the direct path takes as they are.
    List<EncodedKey> keys = new ArrayList<>(entries.size());
    List<byte[]> values = new ArrayList<>(entries.size());
    for (Map.Entry<K, V> entry : entries.entrySet()) {
      EncodedKey k = codec.encodeKey(entry.getKey());
      keys.add(k);
      values.add(codec.encodeValue(entry.getValue(), k));
    }
    if (access().putAllDirect(keys, values)) {
      statistics.recordPuts(keys.size());
      statistics.recordPutTime(start);
      return;
    }
    Map<K, Integer> positions = new HashMap<>(HashCapacity.of(entries.size()));
    for (K key : entries.keySet()) {
      positions.put(key, positions.size());
    }
    // Write-through first: whatever the writer accepted is stored, even when it failed on the rest.
    EntryWriter.Batch<K> written = writer.writeAll(entries);
    long stored = 0;
    for (K key : written.done()) {
      V value = entries.get(key);
      int position = positions.get(key);
      byte[] v = values.get(position);
      if (access().compute("putAll", Creation.POSSIBLE, keys.get(position), entry -> entry.store(key, value, v))) {
        stored++;
      }
    }
    statistics.recordPuts(stored);
    statistics.recordPutTime(start);
    written.rethrow();
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    requireOpen();
    checks.entry(key, value);
    return changes.run(ChangeKind.PUT_IF_ABSENT, key, value, lockOnly(), (entry, v) -> {
      if (entry.isLive()) {
        return false;
      }
      writer.write(key, value);
      return entry.store(key, value, v);
    }, Boolean::booleanValue);
  }

  @Override
  public boolean remove(K key) {
    requireOpen();
    checks.key(key);
    return changes.run(ChangeKind.REMOVE, key, null, (k, v) -> access().removeDirect(k), (entry, v) -> {
      writer.delete(key);
      return entry.erase(key);
    }, Boolean::booleanValue);
  }

  @Override
  public boolean remove(K key, V oldValue) {
    requireOpen();
    checks.entry(key, oldValue);
    return changes.run(ChangeKind.REMOVE_IF_EQUALS, key, null, lockOnly(), ifEquals(oldValue, (entry, v) -> {
      writer.delete(key);
      entry.erase(key);
    }), Outcome.CHANGED::equals) == Outcome.CHANGED;
  }

  @Override
  public V getAndRemove(K key) {
    requireOpen();
    checks.key(key);
    return changes.run(ChangeKind.GET_AND_REMOVE, key, null, lockOnly(), (entry, v) -> {
      V previous = entry.value();
      writer.delete(key);
      entry.erase(key);
      return previous;
    }, Objects::nonNull);
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    requireOpen();
    checks.entry(key, oldValue);
    checks.value(newValue);
    return changes.run(ChangeKind.REPLACE, key, newValue, lockOnly(), ifEquals(oldValue, (entry, v) -> {
      writer.write(key, newValue);
      entry.store(key, newValue, v);
    }), Outcome.CHANGED::equals) == Outcome.CHANGED;
  }

  @Override
  public boolean replace(K key, V value) {
    requireOpen();
    checks.entry(key, value);
    return changes.run(ChangeKind.REPLACE, key, value, lockOnly(), (entry, v) -> {
      if (!entry.isLive()) {
        return false;
      }
      writer.write(key, value);
      entry.store(key, value, v);
      return true;
    }, Boolean::booleanValue);
  }

  @Override
  public V getAndReplace(K key, V value) {
    requireOpen();
    checks.entry(key, value);
    return changes.run(ChangeKind.GET_AND_REPLACE, key, value, lockOnly(), (entry, v) -> {
      if (!entry.isLive()) {
        return null;
      }
      V previous = entry.value();
      writer.write(key, value);
      entry.store(key, value, v);
      return previous;
    }, Objects::nonNull);
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    requireOpen();
    checks.keys(keys);
    removeKeys(new ArrayList<>(keys));
  }

  @Override
  public void removeAll() {
    requireOpen();
    long start = System.nanoTime();
    OptionalLong removed = access().removeAllDirect();
    if (removed.isPresent()) {
      statistics.recordRemovals(removed.getAsLong());
      statistics.recordRemoveTime(start);
      return;
    }
    // Writers and listeners must see every entry: remove them one by one, page after page.
    List<K> keys = new ArrayList<>();
    access().iterator(null, this::remove).forEachRemaining(entry -> keys.add(entry.getKey()));
    removeKeys(keys);
  }

  @Override
  public void clear() {
    requireOpen();
    access().clear();
  }

  private void removeKeys(List<K> keys) {
    long start = System.nanoTime();
    OptionalLong direct = access().removeKeysDirect(keys.stream().map(codec::encodeKey).toList());
    if (direct.isPresent()) {
      statistics.recordRemovals(direct.getAsLong());
      statistics.recordRemoveTime(start);
      return;
    }
    EntryWriter.Batch<K> deleted = writer.deleteAll(keys);
    long removed = 0;
    for (K key : deleted.done()) {
      if (access().compute("removeAll", Creation.NEVER, codec.encodeKey(key), entry -> entry.erase(key))) {
        removed++;
      }
    }
    statistics.recordRemovals(removed);
    statistics.recordRemoveTime(start);
    deleted.rethrow();
  }

  // ---- entry processors ------------------------------------------------------------------------

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    requireOpen();
    checks.key(key);
    Objects.requireNonNull(processor, "processor");
    EncodedKey k = codec.encodeKey(key);
    long start = System.nanoTime();
    Invocation<T> invocation = access().compute("invoke", Creation.POSSIBLE, k, entry -> {
      PgMutableEntry<K, V> mutable = new PgMutableEntry<>(key, entry.value(), readThrough, Function.identity());
      T result;
      try {
        result = processor.process(mutable, arguments);
      } catch (EntryProcessorException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new EntryProcessorException(e);
      }
      applyOutcome(entry, key, k, mutable);
      return new Invocation<>(result, mutable.outcome(), entry.isLive());
    });
    // Every invocation reads its entry once (a hit or a miss), whatever the processor then does.
    countRead(invocation.existed());
    switch (invocation.outcome()) {
      case CREATED, UPDATED, LOADED -> statistics.recordPuts(1);
      case REMOVED -> statistics.recordRemovals(invocation.existed() ? 1 : 0);
      default -> { }
    }
    statistics.recordGetTime(start);
    return invocation.result();
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    requireOpen();
    checks.keys(keys);
    Objects.requireNonNull(processor, "processor");
    Map<K, EntryProcessorResult<T>> results = new LinkedHashMap<>();
    for (K key : keys) {
      try {
        T result = invoke(key, processor, arguments);
        if (result != null) {
          results.put(key, () -> result);
        }
      } catch (CacheException e) {
        results.put(key, ProcessorResults.failure(e));
      }
    }
    return results;
  }

  private void applyOutcome(LockedEntry<K, V> entry, K key, EncodedKey k, PgMutableEntry<K, V> mutable)
      throws SQLException {
    switch (mutable.outcome()) {
      case NONE -> { }
      case ACCESSED -> entry.touch();
      case LOADED -> entry.store(key, mutable.value(), codec.encodeValue(mutable.value(), k));
      case CREATED, UPDATED -> {
        V value = mutable.value();
        checks.valueType(value);
        byte[] bytes = codec.encodeValue(value, k);
        writer.write(key, value);
        entry.store(key, value, bytes);
      }
      case REMOVED -> {
        writer.delete(key);
        entry.erase(key);
      }
    }
  }

  // ---- loading ---------------------------------------------------------------------------------

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
    requireOpen();
    checks.keys(keys);
    if (viewOf != null) {
      // Loading runs on another thread, which cannot use the caller's connection; what a loader returns comes from
      // the system of record, not from the transaction, so the cache itself stores it.
      viewOf.loadAll(keys, replaceExistingValues, completionListener);
      return;
    }
    CompletionListener listener = completionListener == null ? LoggingCompletionListener.INSTANCE : completionListener;
    if (!loader.isConfigured()) {
      listener.onCompletion();
      return;
    }
    List<K> requested = new ArrayList<>(keys);
    resources.executor().execute(() -> {
      try {
        List<K> toLoad = new ArrayList<>();
        for (K key : requested) {
          if (replaceExistingValues || !containsKey(key)) {
            toLoad.add(key);
          }
        }
        loader.loadAll(toLoad).forEach((key, value) ->
            storeLoaded(key, codec.encodeKey(key), value, replaceExistingValues));
        listener.onCompletion();
      } catch (Exception e) {
        if (closed && completionListener == null) {
          return; // closed while loading, and nobody asked to hear the outcome
        }
        listener.onException(e);
      }
    });
  }

  /** Stores a loaded value without calling the writer (it came from the system of record). */
  private void storeLoaded(K key, EncodedKey k, V value, boolean replaceExisting) {
    byte[] v = codec.encodeValue(value, k);
    if (access().compute("load", Creation.POSSIBLE, k,
        entry -> (replaceExisting || !entry.isLive()) && entry.store(key, value, v))) {
      statistics.recordPuts(1);
    }
  }

  // ---- listeners, configuration, lifecycle -----------------------------------------------------

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    for (CacheEntryListenerConfiguration<K, V> registered : configuration.getCacheEntryListenerConfigurations()) {
      if (registered.equals(listenerConfiguration)) {
        throw new IllegalArgumentException("This listener configuration is already registered on cache '" + name
            + "'");
      }
    }
    configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
    events.register(listenerConfiguration);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
    events.deregister(listenerConfiguration);
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    if (clazz.isInstance(configuration)) {
      return clazz.cast(new PgCacheConfiguration<>(configuration));
    }
    throw new IllegalArgumentException("The configuration of cache '" + name + "' is a "
        + configuration.getClass().getName() + ", not a " + clazz.getName());
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  @Override
  public boolean isClosed() {
    return closed || viewOf != null && viewOf.isClosed();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (viewOf != null) {
      return;
    }
    onClose.accept(this);
    MBeans.unregister(MBeans.Type.STATISTICS, manager.getURI(), name);
    MBeans.unregister(MBeans.Type.CONFIGURATION, manager.getURI(), name);
    resources.close();
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap cache '" + name + "' to " + clazz.getName());
  }

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    requireOpen();
    return access().iterator(() -> statistics.recordHits(1), this::remove);
  }

  void setStatisticsEnabled(boolean enabled) {
    configuration.setStatisticsEnabled(enabled);
    statistics.setEnabled(enabled);
    if (enabled) {
      MBeans.register(statistics, MBeans.Type.STATISTICS, manager.getURI(), name);
    } else {
      MBeans.unregister(MBeans.Type.STATISTICS, manager.getURI(), name);
    }
  }

  void setManagementEnabled(boolean enabled) {
    configuration.setManagementEnabled(enabled);
    if (enabled) {
      MBeans.register(new CacheConfigurationBean(() -> configuration), MBeans.Type.CONFIGURATION,
          manager.getURI(), name);
    } else {
      MBeans.unregister(MBeans.Type.CONFIGURATION, manager.getURI(), name);
    }
  }

  /** Deletes expired rows in bounded batches; called by the manager's sweeper. Returns rows removed. */
  @Override
  public long sweepExpired(long now, int batchSize, int maxBatches) {
    long swept = engine().sweep(now, batchSize, maxBatches);
    resources.metrics().swept(swept);
    return swept;
  }

  /** The cache's engine; binds the cache to its table first if it was made while the database was down. */
  private EntryEngine<K, V> engine() {
    return resources.engine();
  }

  /** Where the operations run (see {@link #access}); binds the cache to its table first if needed. */
  private EntryAccess<K, V> access() {
    return access.get();
  }

  private void requireOpen() {
    if (isClosed()) {
      throw new IllegalStateException("Cache '" + name + "' is closed");
    }
  }

  private void countRead(boolean hit) {
    if (hit) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
    }
  }

  private record Old<V>(V value, boolean changed) {
  }

  private record Invocation<T>(T result, PgMutableEntry.Outcome outcome, boolean existed) {
  }

  @Override
  public String toString() {
    OptionalInt id = resources.boundId();
    return "PgCache[" + manager.getURI() + " " + name + " -> "
        + (id.isPresent() ? resources.table().qualifiedName() : "(not bound yet)")
        + (viewOf == null ? "" : " in a caller's transaction") + "]";
  }
}
