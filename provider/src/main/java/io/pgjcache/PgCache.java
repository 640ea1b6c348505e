package io.pgjcache;

import static io.pgjcache.internal.Closeables.closeQuietly;

import io.pgjcache.internal.db.Database;
import io.pgjcache.internal.db.DatabaseErrors;
import io.pgjcache.internal.event.ClusterEvents;
import io.pgjcache.internal.event.EventDispatcher;
import io.pgjcache.internal.event.OrderedExecutor;
import io.pgjcache.internal.event.PgCacheEntryEvent;
import io.pgjcache.internal.expiry.ExpiryRules;
import io.pgjcache.internal.expiry.ExpirySweeper;
import io.pgjcache.internal.management.CacheConfigurationBean;
import io.pgjcache.internal.management.CacheStatistics;
import io.pgjcache.internal.management.MBeans;
import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.processor.PgMutableEntry;
import io.pgjcache.internal.store.CacheCodec;
import io.pgjcache.internal.store.ManagerCodec;
import io.pgjcache.internal.store.CacheTable;
import io.pgjcache.internal.store.DigestKey;
import io.pgjcache.internal.store.EncodedKey;
import io.pgjcache.internal.store.EncodedKeys;
import io.pgjcache.internal.store.ImmutableTypes;
import io.pgjcache.internal.store.KeyDigest;
import io.pgjcache.internal.store.StoredEntry;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.event.EventType;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * A cache whose entries live in one PostgreSQL table, shared by every node that opens a cache of the
 * same name on the same database.
 *
 * <p><b>Round trips.</b> With no writer, no listener and one of the JCache API's own expiry policies,
 * {@code get}, {@code put}, {@code remove} and {@code containsKey} are one statement each, and
 * {@code getAll}/{@code putAll} one round trip for all keys. Everything that must read before it
 * writes ({@code invoke}, {@code getAndPut}, conditional operations, and any write that a writer, a
 * listener or a custom expiry policy must see) runs in one transaction that first takes the key's
 * advisory lock, so it is atomic across nodes, not just threads.
 *
 * <p><b>Threading.</b> Thread-safe; no monitor is held across I/O. Synchronous listeners run in the
 * caller's thread after commit; asynchronous listeners and {@code loadAll} run on the manager's executor.
 */
public final class PgCache<K, V> implements Cache<K, V>, ExpirySweeper.Sweepable {
  private static final System.Logger LOG = System.getLogger(PgCache.class.getName());
  private static final int PAGE_SIZE = 256;

  private final PgCacheManager manager;
  private final String name;
  private final PgCacheConfiguration<K, V> configuration;
  private final CacheTable table;
  private final Database database;
  private final CacheCodec<K, V> codec;
  private final ExpiryRules expiry;
  private final CacheLoader<K, V> loader;
  private final CacheWriter<? super K, ? super V> writer;
  private final EventDispatcher<K, V> events;
  private final Executor executor;
  private final CacheStatistics statistics = new CacheStatistics();
  private final NearCache near;
  private final ClusterEvents clusterEvents;
  /** Delivers other nodes' events one at a time, in the order they arrived (their commit order). */
  private final Executor clusterEventLane;
  /**
   * Store-by-reference, honoured where the spec places it, on this node's heap: the near cache keeps and hands
   * out the instances this node stored or decoded. PostgreSQL, and so every other node, gets their encoding.
   */
  private final boolean byReference;
  private volatile boolean closed;

  PgCache(PgCacheManager manager, String name, PgCacheConfiguration<K, V> configuration, CacheTable table,
      Database database, ManagerCodec managerCodec, Executor executor, NearCache near, ClusterEvents clusterEvents) {
    this.manager = Objects.requireNonNull(manager, "manager");
    this.name = Objects.requireNonNull(name, "name");
    this.configuration = Objects.requireNonNull(configuration, "configuration");
    this.table = Objects.requireNonNull(table, "table");
    this.database = Objects.requireNonNull(database, "database");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.expiry = new ExpiryRules(configuration.getExpiryPolicyFactory().create());
    this.loader = configuration.getCacheLoaderFactory() == null ? null : configuration.getCacheLoaderFactory().create();
    this.writer = configuration.isWriteThrough() && configuration.getCacheWriterFactory() != null
        ? configuration.getCacheWriterFactory().create() : null;
    this.events = new EventDispatcher<>(name, executor);
    this.clusterEvents = clusterEvents;
    this.clusterEventLane = new OrderedExecutor(executor);
    // A near-cache hit costs no round trip, so it cannot also move the entry's expiry in the table:
    // caches whose policy changes expiry on access read PostgreSQL every time.
    this.near = near != null && expiry.isPredictable() && expiry.accessKeepsExpiry() ? near : null;
    this.byReference = this.near != null && !configuration.isStoreByValue();
    // Remembering key encodings pays off where hits are served from memory.
    this.codec = new CacheCodec<>(name, managerCodec, manager.getClassLoader(), configuration.getKeyType(),
        configuration.getValueType(),
        this.near == null ? null : new EncodedKeys<>(this.near.maxEntries(), byReference));
    for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
      events.register(listener);
    }
    setStatisticsEnabled(configuration.isStatisticsEnabled());
    setManagementEnabled(configuration.isManagementEnabled());
  }

  /** The quoted, schema-qualified name of the table holding this cache's entries. */
  public String getTableName() {
    return table.qualifiedName();
  }

  /** Number of live entries, counted in the database (a full scan: for tests and operators, not hot paths). */
  public long size() {
    requireOpen();
    long now = now();
    return database.autoCommit(what("size"), c -> table.count(c, now));
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Override
  @SuppressWarnings("unchecked")
  public V get(K key) {
    requireOpen();
    requireKey(key);
    // A near-cache hit takes about as long as reading the clock, so read it only when someone counts.
    long start = statistics.isEnabled() ? System.nanoTime() : 0;
    Object shared = near != null && codec.remembers(key) ? near.getShared(key, PgCache::now) : null;
    if (shared != null) {
      statistics.recordHits(1);
      if (start != 0) {
        statistics.recordGetTime(start);
      }
      return (V) shared;
    }
    EncodedKey k = codec.encodeKey(key);
    V value = readLive(k);
    if (value == null) {
      statistics.recordMisses(1);
      if (configuration.isReadThrough() && loader != null) {
        value = loadAndStore(key, k);
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
    requireKeys(keys);
    long start = System.nanoTime();
    Map<K, EncodedKey> encoded = new LinkedHashMap<>();
    for (K key : keys) {
      encoded.put(key, codec.encodeKey(key));
    }
    long now = now();
    Map<K, V> result = new LinkedHashMap<>();
    Set<K> missing = new HashSet<>();
    Map<K, EncodedKey> toRead = new LinkedHashMap<>();
    for (Map.Entry<K, EncodedKey> entry : encoded.entrySet()) {
      NearCache.Entry copy = near == null ? null : near.get(entry.getValue().digestKey(), now);
      if (copy != null) {
        result.put(entry.getKey(), nearValue(entry.getValue(), copy));
      } else {
        toRead.put(entry.getKey(), entry.getValue());
      }
    }
    Map<DigestKey, NearCache.Token> tokens = new HashMap<>();
    if (near != null) {
      toRead.values().forEach(k -> tokens.put(k.digestKey(), near.begin(k.digestKey())));
    }
    List<byte[]> digests = toRead.values().stream().map(EncodedKey::digest).toList();
    Map<DigestKey, StoredEntry> rows;
    try {
      rows = database.autoCommit(what("getAll"), c -> table.readAll(c, digests));
    } catch (RuntimeException e) {
      tokens.forEach((digestKey, token) -> near.abandon(digestKey, token));
      throw e;
    }
    for (Map.Entry<K, EncodedKey> entry : toRead.entrySet()) {
      DigestKey digestKey = entry.getValue().digestKey();
      StoredEntry row = rows.get(digestKey);
      boolean live = row != null && !row.isExpiredAt(now);
      NearCache.Entry installed = near == null ? null
          : near.complete(digestKey, tokens.get(digestKey), live ? row.valueBytes() : null, live ? row.expiresAt() : 0);
      if (!live) {
        missing.add(entry.getKey());
      } else {
        V value = codec.decodeValue(row.valueBytes(), row.digest());
        share(entry.getValue(), installed, value);
        result.put(entry.getKey(), value);
        touch(entry.getValue(), row.expiresAt(), now);
      }
    }
    statistics.recordHits(result.size());
    statistics.recordMisses(missing.size());
    if (!missing.isEmpty() && configuration.isReadThrough() && loader != null) {
      Map<K, V> loaded = loadAll(missing);
      for (Map.Entry<K, V> entry : loaded.entrySet()) {
        storeLoaded(entry.getKey(), codec.encodeKey(entry.getKey()), entry.getValue(), true);
        result.put(entry.getKey(), entry.getValue());
      }
    }
    statistics.recordGetTime(start);
    return result;
  }

  @Override
  public boolean containsKey(K key) {
    requireOpen();
    requireKey(key);
    EncodedKey k = codec.encodeKey(key);
    long now = now();
    if (near != null && near.get(k.digestKey(), now) != null) {
      return true;
    }
    Long expiresAt = database.autoCommit(what("containsKey"), c -> table.readExpiry(c, k.digest()));
    return expiresAt != null && expiresAt > now;
  }

  // ---- writes ----------------------------------------------------------------------------------

  @Override
  public void put(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    long start = System.nanoTime();
    EncodedKey k = codec.encodeKey(key);
    byte[] v = codec.encodeValue(value);
    long now = now();
    long creation = isSimple() ? expiry.forCreation(now) : now;
    if (creation > now) {
      long update = expiry.forUpdate(now, StoredEntry.ETERNAL);
      if (byReference) {
        putInstance(k, v, value, creation, update, now);
      } else {
        try {
          database.autoCommit(what("put"), c -> {
            table.put(c, k.digest(), k.bytes(), v, creation, expiry.updateKeepsExpiry(), update, now);
            return null;
          });
        } finally {
          invalidateNear(k);
        }
      }
      statistics.recordPuts(1);
    } else {
      boolean stored = underLock("put", k, (c, current, at, out) -> {
        writeThrough(key, value);
        return store(c, k, v, key, value, current, at, out);
      });
      statistics.recordPuts(stored ? 1 : 0);
    }
    statistics.recordPutTime(start);
  }

  /** The single-statement put of a store-by-reference cache, which keeps the instance it stored. */
  private void putInstance(EncodedKey k, byte[] v, V value, long creation, long update, long now) {
    NearCache.PendingWrite pending = near.beginWrite(k.digestKey());
    CacheTable.PutReceipt receipt;
    try {
      receipt = database.autoCommit(what("put"), c ->
          table.putReturning(c, k.digest(), k.bytes(), v, creation, expiry.updateKeepsExpiry(), update, now));
    } catch (RuntimeException e) {
      invalidateNear(k);
      throw e;
    }
    if (pending == null) {
      invalidateNear(k);
    } else {
      near.completeWrite(k.digestKey(), pending, receipt.backendPid(), v, receipt.expiresAt(), value, k.remembered());
    }
  }

  @Override
  public V getAndPut(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    long start = System.nanoTime();
    EncodedKey k = codec.encodeKey(key);
    byte[] v = codec.encodeValue(value);
    Old<V> old = underLock("getAndPut", k, (c, current, now, out) -> {
      V previous = current.value();
      writeThrough(key, value);
      return new Old<>(previous, store(c, k, v, key, value, current, now, out));
    });
    countRead(old.value() != null);
    statistics.recordPuts(old.changed() ? 1 : 0);
    statistics.recordGetTime(start);
    statistics.recordPutTime(start);
    return old.value();
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    requireOpen();
    Objects.requireNonNull(map, "map");
    Map<K, V> entries = new LinkedHashMap<>();
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      requireEntry(entry.getKey(), entry.getValue());
      entries.put(entry.getKey(), entry.getValue());
    }
    long start = System.nanoTime();
    Map<K, EncodedKey> keys = new LinkedHashMap<>();
    Map<K, byte[]> values = new HashMap<>();
    for (Map.Entry<K, V> entry : entries.entrySet()) {
      keys.put(entry.getKey(), codec.encodeKey(entry.getKey()));
      values.put(entry.getKey(), codec.encodeValue(entry.getValue()));
    }
    long now = now();
    // A store-by-reference cache writes key by key, so that each write knows what it stored and keeps it.
    long creation = isSimple() && !byReference ? expiry.forCreation(now) : now;
    if (creation > now) {
      List<byte[][]> rows = new ArrayList<>();
      keys.forEach((key, k) -> rows.add(new byte[][] {k.digest(), k.bytes(), values.get(key)}));
      long update = expiry.forUpdate(now, StoredEntry.ETERNAL);
      try {
        database.autoCommit(what("putAll"), c -> {
          table.putAll(c, rows, creation, expiry.updateKeepsExpiry(), update, now);
          return null;
        });
      } finally {
        keys.values().forEach(this::invalidateNear);
      }
      statistics.recordPuts(rows.size());
      statistics.recordPutTime(start);
      return;
    }
    // Write-through first: whatever the writer accepted is stored, even when it failed on the rest.
    CacheWriterException failure = null;
    Collection<K> written = entries.keySet();
    if (writer != null) {
      List<Cache.Entry<K, V>> pending = new ArrayList<>();
      entries.forEach((key, value) -> pending.add(new PgCacheEntry<>(key, value)));
      try {
        writeAllThrough(pending);
      } catch (RuntimeException e) {
        failure = writerFailure(e);
        Set<K> notWritten = new HashSet<>();
        pending.forEach(entry -> notWritten.add(entry.getKey()));
        written = new ArrayList<>(entries.keySet());
        written.removeAll(notWritten);
      }
    }
    long stored = 0;
    for (K key : written) {
      V value = entries.get(key);
      EncodedKey k = keys.get(key);
      byte[] v = values.get(key);
      if (underLock("putAll", k, (c, current, at, out) -> store(c, k, v, key, value, current, at, out))) {
        stored++;
      }
    }
    statistics.recordPuts(stored);
    statistics.recordPutTime(start);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    long start = System.nanoTime();
    EncodedKey k = codec.encodeKey(key);
    byte[] v = codec.encodeValue(value);
    Outcome outcome = underLock("putIfAbsent", k, (c, current, now, out) -> {
      if (current.isLive()) {
        return Outcome.HIT;
      }
      writeThrough(key, value);
      return store(c, k, v, key, value, current, now, out) ? Outcome.CHANGED : Outcome.MISS;
    });
    countRead(outcome == Outcome.HIT);
    boolean stored = outcome == Outcome.CHANGED;
    if (stored) {
      statistics.recordPuts(1);
    }
    statistics.recordPutTime(start);
    return stored;
  }

  @Override
  public boolean remove(K key) {
    requireOpen();
    requireKey(key);
    long start = System.nanoTime();
    EncodedKey k = codec.encodeKey(key);
    boolean removed;
    if (isSimple()) {
      long now = now();
      Long expiresAt;
      try {
        expiresAt = database.autoCommit(what("remove"), c -> table.lockAndDelete(c, k.digest()));
      } finally {
        invalidateNear(k);
      }
      removed = expiresAt != null && expiresAt > now;
    } else {
      removed = underLock("remove", k, (c, current, now, out) -> {
        deleteThrough(key);
        return erase(c, k, key, current, out);
      });
    }
    if (removed) {
      statistics.recordRemovals(1);
    }
    statistics.recordRemoveTime(start);
    return removed;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    requireOpen();
    requireEntry(key, oldValue);
    long start = System.nanoTime();
    EncodedKey k = codec.encodeKey(key);
    Outcome outcome = underLockIfEquals("remove", k, oldValue, (c, current, now, out) -> {
      deleteThrough(key);
      erase(c, k, key, current, out);
    });
    countRead(outcome != Outcome.MISS);
    if (outcome == Outcome.CHANGED) {
      statistics.recordRemovals(1);
    }
    statistics.recordRemoveTime(start);
    return outcome == Outcome.CHANGED;
  }

  @Override
  public V getAndRemove(K key) {
    requireOpen();
    requireKey(key);
    long start = System.nanoTime();
    EncodedKey k = codec.encodeKey(key);
    V old = underLock("getAndRemove", k, (c, current, now, out) -> {
      V previous = current.value();
      deleteThrough(key);
      erase(c, k, key, current, out);
      return previous;
    });
    countRead(old != null);
    if (old != null) {
      statistics.recordRemovals(1);
    }
    statistics.recordGetTime(start);
    statistics.recordRemoveTime(start);
    return old;
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    requireOpen();
    requireEntry(key, oldValue);
    requireValue(newValue);
    checkValueType(newValue);
    long start = System.nanoTime();
    EncodedKey k = codec.encodeKey(key);
    byte[] v = codec.encodeValue(newValue);
    Outcome outcome = underLockIfEquals("replace", k, oldValue, (c, current, now, out) -> {
      writeThrough(key, newValue);
      store(c, k, v, key, newValue, current, now, out);
    });
    countRead(outcome != Outcome.MISS);
    if (outcome == Outcome.CHANGED) {
      statistics.recordPuts(1);
    }
    statistics.recordPutTime(start);
    return outcome == Outcome.CHANGED;
  }

  @Override
  public boolean replace(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    long start = System.nanoTime();
    EncodedKey k = codec.encodeKey(key);
    byte[] v = codec.encodeValue(value);
    boolean replaced = underLock("replace", k, (c, current, now, out) -> {
      if (!current.isLive()) {
        return false;
      }
      writeThrough(key, value);
      store(c, k, v, key, value, current, now, out);
      return true;
    });
    countRead(replaced);
    if (replaced) {
      statistics.recordPuts(1);
    }
    statistics.recordPutTime(start);
    return replaced;
  }

  @Override
  public V getAndReplace(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    long start = System.nanoTime();
    EncodedKey k = codec.encodeKey(key);
    byte[] v = codec.encodeValue(value);
    V old = underLock("getAndReplace", k, (c, current, now, out) -> {
      if (!current.isLive()) {
        return null;
      }
      V previous = current.value();
      writeThrough(key, value);
      store(c, k, v, key, value, current, now, out);
      return previous;
    });
    countRead(old != null);
    if (old != null) {
      statistics.recordPuts(1);
    }
    statistics.recordGetTime(start);
    statistics.recordPutTime(start);
    return old;
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    requireOpen();
    requireKeys(keys);
    removeKeys(new ArrayList<>(keys));
  }

  @Override
  public void removeAll() {
    requireOpen();
    if (writer == null && !wantsEvents()) {
      long start = System.nanoTime();
      long now = now();
      long removed;
      try {
        removed = database.autoCommit(what("removeAll"), c -> table.deleteAll(c, now));
      } finally {
        invalidateNearAll();
      }
      statistics.recordRemovals(removed);
      statistics.recordRemoveTime(start);
      return;
    }
    // Writers and listeners must see every entry: remove them one by one, page after page.
    List<K> keys = new ArrayList<>();
    for (Cache.Entry<K, V> entry : (Iterable<Cache.Entry<K, V>>) () -> new EntryIterator(false)) {
      keys.add(entry.getKey());
    }
    removeKeys(keys);
  }

  @Override
  public void clear() {
    requireOpen();
    try {
      database.autoCommit(what("clear"), c -> {
        table.clear(c);
        return null;
      });
    } finally {
      invalidateNearAll();
    }
  }

  private void removeKeys(List<K> keys) {
    long start = System.nanoTime();
    CacheWriterException failure = null;
    Collection<K> deleted = keys;
    if (writer != null && !keys.isEmpty()) {
      List<K> pending = new ArrayList<>(keys);
      try {
        writer.deleteAll(pending);
      } catch (RuntimeException e) {
        failure = writerFailure(e);
        deleted = new ArrayList<>(keys);
        deleted.removeAll(pending);
      }
    }
    long removed = 0;
    for (K key : deleted) {
      EncodedKey k = codec.encodeKey(key);
      if (underLock("removeAll", k, (c, current, now, out) -> erase(c, k, key, current, out))) {
        removed++;
      }
    }
    statistics.recordRemovals(removed);
    statistics.recordRemoveTime(start);
    if (failure != null) {
      throw failure;
    }
  }

  // ---- entry processors ------------------------------------------------------------------------

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    requireOpen();
    requireKey(key);
    Objects.requireNonNull(processor, "processor");
    EncodedKey k = codec.encodeKey(key);
    long start = System.nanoTime();
    Invocation<T> invocation = underLock("invoke", k, (c, current, now, out) -> {
      CacheLoader<K, V> readThrough = configuration.isReadThrough() ? loader : null;
      PgMutableEntry<K, V> entry = new PgMutableEntry<>(key, current.value(), readThrough, PgCache::loaderFailure);
      T result;
      try {
        result = processor.process(entry, arguments);
      } catch (EntryProcessorException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new EntryProcessorException(e);
      }
      applyOutcome(c, k, key, entry, current, now, out);
      return new Invocation<>(result, entry.outcome(), current.isLive());
    });
    recordInvocation(invocation, start);
    return invocation.result();
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    requireOpen();
    requireKeys(keys);
    Objects.requireNonNull(processor, "processor");
    Map<K, EntryProcessorResult<T>> results = new LinkedHashMap<>();
    for (K key : keys) {
      try {
        T result = invoke(key, processor, arguments);
        if (result != null) {
          results.put(key, () -> result);
        }
      } catch (EntryProcessorException e) {
        results.put(key, () -> {
          throw e;
        });
      } catch (CacheException e) {
        EntryProcessorException wrapped = new EntryProcessorException(e);
        results.put(key, () -> {
          throw wrapped;
        });
      }
    }
    return results;
  }

  private void applyOutcome(Connection c, EncodedKey k, K key, PgMutableEntry<K, V> entry, Current<V> current,
      long now, Effects out) throws SQLException {
    switch (entry.outcome()) {
      case NONE -> { }
      case ACCESSED -> touchLocked(c, k, current, now, out);
      case LOADED -> store(c, k, codec.encodeValue(entry.value()), key, entry.value(), current, now, out);
      case CREATED, UPDATED -> {
        V value = entry.value();
        checkValueType(value);
        byte[] bytes = codec.encodeValue(value);
        writeThrough(key, value);
        store(c, k, bytes, key, value, current, now, out);
      }
      case REMOVED -> {
        deleteThrough(key);
        erase(c, k, key, current, out);
      }
    }
  }

  /** Every invocation reads its entry once (a hit or a miss), whatever the processor then does. */
  private void recordInvocation(Invocation<?> invocation, long start) {
    countRead(invocation.existed());
    switch (invocation.outcome()) {
      case CREATED, UPDATED, LOADED -> statistics.recordPuts(1);
      case REMOVED -> statistics.recordRemovals(invocation.existed() ? 1 : 0);
      default -> { }
    }
    statistics.recordGetTime(start);
  }

  // ---- loading ---------------------------------------------------------------------------------

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
    requireOpen();
    requireKeys(keys);
    CompletionListener listener = completionListener == null ? NoCompletionListener.INSTANCE : completionListener;
    if (loader == null) {
      listener.onCompletion();
      return;
    }
    List<K> requested = new ArrayList<>(keys);
    executor.execute(() -> {
      try {
        List<K> toLoad = new ArrayList<>();
        for (K key : requested) {
          if (replaceExistingValues || !containsKey(key)) {
            toLoad.add(key);
          }
        }
        Map<K, V> loaded = loadAll(toLoad);
        for (Map.Entry<K, V> entry : loaded.entrySet()) {
          storeLoaded(entry.getKey(), codec.encodeKey(entry.getKey()), entry.getValue(), replaceExistingValues);
        }
        listener.onCompletion();
      } catch (Exception e) {
        if (closed && completionListener == null) {
          return; // closed while loading, and nobody asked to hear the outcome
        }
        listener.onException(e);
      }
    });
  }

  private V loadAndStore(K key, EncodedKey k) {
    V value;
    try {
      value = loader.load(key);
    } catch (RuntimeException e) {
      throw loaderFailure(e);
    }
    if (value != null) {
      storeLoaded(key, k, value, true);
    }
    return value;
  }

  private Map<K, V> loadAll(Collection<K> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    Map<K, V> loaded;
    try {
      loaded = loader.loadAll(keys);
    } catch (RuntimeException e) {
      throw loaderFailure(e);
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

  /** Stores a loaded value without calling the writer (it came from the system of record). */
  private void storeLoaded(K key, EncodedKey k, V value, boolean replaceExisting) {
    requireValue(value);
    byte[] v = codec.encodeValue(value);
    boolean stored = underLock("load", k, (c, current, now, out) ->
        (replaceExisting || !current.isLive()) && store(c, k, v, key, value, current, now, out));
    if (stored) {
      statistics.recordPuts(1);
    }
  }

  private static RuntimeException loaderFailure(RuntimeException e) {
    return e instanceof CacheLoaderException ? e : new CacheLoaderException("Cache loader failed: " + e, e);
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
    return closed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    manager.forget(this);
    MBeans.unregister(MBeans.Type.STATISTICS, manager.getURI(), name);
    MBeans.unregister(MBeans.Type.CONFIGURATION, manager.getURI(), name);
    events.close();
    closeQuietly(loader);
    closeQuietly(writer);
    closeQuietly(expiry.policy());
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
    return new EntryIterator(true);
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

  /** The live statistics of this node (the MXBean's data), even while the MXBean is not registered. */
  CacheStatistics statistics() {
    return statistics;
  }

  /** Deletes expired rows in bounded batches; called by the manager's sweeper. Returns rows removed. */
  @Override
  public long sweepExpired(long now, int batchSize, int maxBatches) {
    long total = 0;
    for (int batch = 0; batch < maxBatches && !closed; batch++) {
      List<PgCacheEntryEvent<K, V>> expired = new ArrayList<>();
      List<StoredEntry> removed = database.transaction(what("sweep"), c -> {
        List<StoredEntry> rows = table.sweep(c, now, batchSize);
        if (wantsEvents()) {
          for (StoredEntry row : rows) {
            V value = codec.decodeValue(row.valueBytes(), KeyDigest.of(row.keyBytes()));
            K key = codec.decodeKey(row.keyBytes());
            expired.add(new PgCacheEntryEvent<>(this, EventType.EXPIRED, key, value, value, true));
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

  // ---- the locked read-modify-write ------------------------------------------------------------

  /** What a locked operation sees of its key: the row if any, and whether it is live. */
  private final class Current<T> {
    private final EncodedKey k;
    private final StoredEntry row;
    private final boolean live;
    private T value;

    Current(EncodedKey k, StoredEntry row, boolean live) {
      this.k = k;
      this.row = row;
      this.live = live;
    }

    boolean isLive() {
      return live;
    }

    boolean hasRow() {
      return row != null;
    }

    long expiresAt() {
      return row.expiresAt();
    }

    /**
     * The live value, decoded on first use; null when absent or expired. A store-by-reference cache gives the
     * instance its near cache holds for exactly these bytes.
     */
    @SuppressWarnings("unchecked")
    T value() {
      if (live && value == null) {
        NearCache.Entry held = byReference ? near.get(k.digestKey(), PgCache::now) : null;
        value = held != null && held.shared() != null && Arrays.equals(held.valueBytes(), row.valueBytes())
            ? (T) held.shared() : (T) codec.decodeValue(row.valueBytes(), row.digest());
      }
      return value;
    }
  }

  @FunctionalInterface
  private interface LockedWork<K, V, R> {
    R run(Connection c, PgCache<K, V>.Current<V> current, long now, PgCache<K, V>.Effects effects)
        throws SQLException;
  }

  /** What a locked operation did to its key: the events it produced, and whether and what it wrote. */
  private final class Effects {
    private final List<PgCacheEntryEvent<K, V>> events = new ArrayList<>(1);
    private boolean changed;
    private V stored;
    private byte[] storedBytes;
    private long storedExpiry;
    private int backendPid;
    private NearCache.PendingWrite pending;

    void add(PgCacheEntryEvent<K, V> event) {
      events.add(event);
    }

    void stored(V value, byte[] valueBytes, long expiresAt) {
      changed = true;
      stored = value;
      storedBytes = valueBytes;
      storedExpiry = expiresAt;
    }
  }

  /**
   * Runs a read-modify-write of one key in one transaction holding the key's advisory lock, then
   * publishes the events it produced once the change has committed.
   */
  private <R> R underLock(String operation, EncodedKey k, LockedWork<K, V, R> work) {
    Effects effects = new Effects();
    R result;
    try {
      result = database.transaction(what(operation), c -> {
        effects.backendPid = table.lock(c, k.digest());
        StoredEntry row = table.read(c, k.digest());
        long now = now();
        R outcome = work.run(c, new Current<>(k, row, row != null && !row.isExpiredAt(now)), now, effects);
        publishToCluster(c, effects.events);
        if (byReference && effects.stored != null) {
          effects.pending = near.beginWrite(k.digestKey());
        }
        return outcome;
      });
    } catch (RuntimeException e) {
      // The commit may have happened before the connection broke.
      invalidateNear(k);
      throw e;
    }
    if (effects.pending != null) {
      near.completeWrite(k.digestKey(), effects.pending, effects.backendPid, effects.storedBytes,
          effects.storedExpiry, effects.stored, k.remembered());
    } else if (effects.changed) {
      invalidateNear(k);
    }
    events.publish(effects.events);
    return result;
  }

  @FunctionalInterface
  private interface ConditionalWork<K, V> {
    void run(Connection c, PgCache<K, V>.Current<V> current, long now, PgCache<K, V>.Effects effects)
        throws SQLException;
  }

  /**
   * The conditional operations ({@code remove(k, v)}, {@code replace(k, v, new)}): the action runs only when
   * the live value equals the expected one; a mismatch still counts as an access of the entry.
   */
  private Outcome underLockIfEquals(String operation, EncodedKey k, V expected, ConditionalWork<K, V> action) {
    return underLock(operation, k, (c, current, now, out) -> {
      if (!current.isLive()) {
        return Outcome.MISS;
      }
      if (!expected.equals(current.value())) {
        touchLocked(c, k, current, now, out);
        return Outcome.HIT;
      }
      action.run(c, current, now, out);
      return Outcome.CHANGED;
    });
  }

  /**
   * Writes a value as a create or an update, with the expiry the policy gives; an expiry already
   * past means the entry must not be kept. Returns whether the value is now stored.
   */
  private boolean store(Connection c, EncodedKey k, byte[] valueBytes, K key, V value, Current<V> current, long now,
      Effects out) throws SQLException {
    long expiresAt = current.isLive() ? expiry.forUpdate(now, current.expiresAt()) : expiry.forCreation(now);
    if (expiresAt <= now) {
      if (current.hasRow()) {
        table.delete(c, k.digest());
        out.changed = true;
      }
      return false;
    }
    table.write(c, k.digest(), k.bytes(), valueBytes, expiresAt);
    out.stored(value, valueBytes, expiresAt);
    if (wantsEvents()) {
      if (current.isLive()) {
        V old = current.value();
        out.add(new PgCacheEntryEvent<>(this, EventType.UPDATED, key, value, old, true));
      } else {
        out.add(new PgCacheEntryEvent<>(this, EventType.CREATED, key, value, null, false));
      }
    }
    return true;
  }

  /** Deletes the key's row; returns whether a live entry was removed. */
  private boolean erase(Connection c, EncodedKey k, K key, Current<V> current, Effects out)
      throws SQLException {
    if (!current.hasRow()) {
      return false;
    }
    table.delete(c, k.digest());
    out.changed = true;
    if (current.isLive() && wantsEvents()) {
      V old = current.value();
      out.add(new PgCacheEntryEvent<>(this, EventType.REMOVED, key, old, old, true));
    }
    return current.isLive();
  }

  private void touchLocked(Connection c, EncodedKey k, Current<V> current, long now, Effects out) throws SQLException {
    long expiresAt = expiry.forAccess(now, current.expiresAt());
    if (expiresAt != current.expiresAt()) {
      table.setExpiry(c, k.digest(), expiresAt);
      out.changed = true;
    }
  }

  /** Applies the access expiry after a read that found a live entry. */
  private void touch(EncodedKey k, long currentExpiry, long now) {
    if (expiry.isPredictable() && expiry.accessKeepsExpiry()) {
      return;
    }
    long expiresAt = expiry.forAccess(now, currentExpiry);
    if (expiresAt != currentExpiry) {
      database.autoCommit(what("get"), c -> {
        table.setExpiry(c, k.digest(), expiresAt);
        return null;
      });
    }
  }

  private V readLive(EncodedKey k) {
    if (expiry.isPredictable() && !expiry.accessKeepsExpiry()) {
      long now = now();
      long expiresAt = expiry.forAccess(now, StoredEntry.ETERNAL);
      byte[] value = database.autoCommit(what("get"), c -> table.readAndSetExpiry(c, k.digest(), expiresAt, now));
      return value == null ? null : codec.decodeValue(value, k.digest());
    }
    if (near != null) {
      NearCache.Entry copy = near.get(k.digestKey(), PgCache::now);
      if (copy != null) {
        return nearValue(k, copy);
      }
    }
    long now = now();
    NearCache.Token token = near == null ? null : near.begin(k.digestKey());
    StoredEntry row;
    try {
      row = database.autoCommit(what("get"), c -> table.read(c, k.digest()));
    } catch (RuntimeException e) {
      if (token != null) {
        near.abandon(k.digestKey(), token);
      }
      throw e;
    }
    boolean live = row != null && !row.isExpiredAt(now);
    NearCache.Entry installed = token == null ? null
        : near.complete(k.digestKey(), token, live ? row.valueBytes() : null, live ? row.expiresAt() : 0);
    if (!live) {
      return null;
    }
    V value = codec.decodeValue(row.valueBytes(), row.digest());
    share(k, installed, value);
    touch(k, row.expiresAt(), now);
    return value;
  }

  /** The value of a near copy: the instance it shares, else a fresh decoding (shared from now on if it may be). */
  @SuppressWarnings("unchecked")
  private V nearValue(EncodedKey k, NearCache.Entry copy) {
    if (copy.shared() != null) {
      return (V) copy.shared();
    }
    V value = codec.decodeValue(copy.valueBytes(), k.digest());
    share(k, copy, value);
    return value;
  }

  /**
   * Lets the near copy keep the decoded value for later hits when callers may share it: any value of a
   * store-by-reference cache, and a value of an immutable type, which no caller can change, in any cache.
   */
  private void share(EncodedKey k, NearCache.Entry copy, V value) {
    if (copy != null && (byReference || ImmutableTypes.isImmutable(value))) {
      near.share(k.digestKey(), copy, value, k.remembered());
    }
  }

  /** Drops this node's copy of a key after a write (other nodes drop theirs when the notification arrives). */
  private void invalidateNear(EncodedKey k) {
    if (near != null) {
      near.invalidate(k.digestKey());
    }
  }

  private void invalidateNearAll() {
    if (near != null) {
      near.invalidateAll();
    }
  }

  /** Called by the manager's invalidation listener: these keys changed in a transaction of that backend. */
  void invalidateNear(List<DigestKey> keys, int senderPid) {
    if (near != null) {
      keys.forEach(key -> near.onNotification(key, senderPid));
    }
  }

  /** Called by the manager's invalidation listener: anything may have changed. */
  void invalidateNearCopies() {
    invalidateNearAll();
  }

  /** No writer, no listener, a policy known in advance: single statements need no read first. */
  private boolean isSimple() {
    return writer == null && !wantsEvents() && expiry.isPredictable();
  }

  /** Whether writes must produce events: for listeners here, or for listeners on other nodes. */
  private boolean wantsEvents() {
    return clusterEvents != null || events.hasListeners();
  }

  /** Sends the events to the other nodes as part of the transaction that made them. */
  private void publishToCluster(Connection c, List<PgCacheEntryEvent<K, V>> produced) throws SQLException {
    if (clusterEvents == null || produced.isEmpty()) {
      return;
    }
    List<ClusterEvents.Outgoing> outgoing = new ArrayList<>(produced.size());
    for (PgCacheEntryEvent<K, V> event : produced) {
      outgoing.add(new ClusterEvents.Outgoing(event.getEventType(), codec.encode(event.getKey(), "key"),
          event.getValue() == null ? null : codec.encode(event.getValue(), "value"),
          event.getOldValue() == null ? null : codec.encode(event.getOldValue(), "value")));
    }
    clusterEvents.publish(c, outgoing);
  }

  /**
   * An event another node made, delivered to this node's listeners in arrival order on the manager's executor
   * so that the LISTEN thread never waits for a listener. A create or update whose value did not fit in the message
   * is completed with the value the table holds now.
   */
  void receiveClusterEvent(ClusterEvents.Incoming incoming) {
    if (closed || !events.hasListeners()) {
      return;
    }
    clusterEventLane.execute(() -> {
      try {
        K key = codec.decodeKey(incoming.key());
        byte[] valueBytes = incoming.value();
        if (valueBytes == null && incoming.type() != EventType.REMOVED && incoming.type() != EventType.EXPIRED) {
          StoredEntry row = database.autoCommit(what("event"), c -> table.read(c, KeyDigest.of(incoming.key())));
          valueBytes = row == null ? null : row.valueBytes();
        }
        byte[] digest = KeyDigest.of(incoming.key());
        V value = valueBytes == null ? null : codec.decodeValue(valueBytes, digest);
        V old = incoming.oldValue() == null ? null : codec.decodeValue(incoming.oldValue(), digest);
        boolean oldAvailable = incoming.oldValue() != null;
        if (incoming.type() == EventType.REMOVED || incoming.type() == EventType.EXPIRED) {
          value = old;
        }
        events.publish(List.of(new PgCacheEntryEvent<>(this, incoming.type(), key, value, old, oldAvailable)));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "pgjcache: cache '" + name + "': an event from another node could not be delivered", e);
      }
    });
  }

  private void writeThrough(K key, V value) {
    if (writer != null) {
      try {
        writer.write(new PgCacheEntry<>(key, value));
      } catch (RuntimeException e) {
        throw writerFailure(e);
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void writeAllThrough(List<Cache.Entry<K, V>> pending) {
    // The writer takes entries of its own (wider) types; ours are those too.
    ((CacheWriter) writer).writeAll((Collection) pending);
  }

  private void deleteThrough(K key) {
    if (writer != null) {
      try {
        writer.delete(key);
      } catch (RuntimeException e) {
        throw writerFailure(e);
      }
    }
  }

  private static CacheWriterException writerFailure(RuntimeException e) {
    return e instanceof CacheWriterException cwe ? cwe : new CacheWriterException("Cache writer failed: " + e, e);
  }

  // ---- encoding and checks ---------------------------------------------------------------------

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Cache '" + name + "' is closed");
    }
  }

  private void requireKey(K key) {
    Objects.requireNonNull(key, "a cache key cannot be null");
    Class<K> keyType = configuration.getKeyType();
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException("Cache '" + name + "' takes keys of type " + keyType.getName() + ", not "
          + key.getClass().getName());
    }
  }

  private void requireValue(V value) {
    Objects.requireNonNull(value, "a cache value cannot be null");
  }

  private void requireEntry(K key, V value) {
    requireKey(key);
    requireValue(value);
    checkValueType(value);
  }

  private void checkValueType(V value) {
    Class<V> valueType = configuration.getValueType();
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException("Cache '" + name + "' takes values of type " + valueType.getName() + ", not "
          + value.getClass().getName());
    }
  }

  private void requireKeys(Set<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    for (K key : keys) {
      requireKey(key);
    }
  }

  private void countRead(boolean hit) {
    if (hit) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
    }
  }

  /** The operation's name for an error message, built only if one is needed. */
  private Supplier<String> what(String operation) {
    return () -> "pgjcache: cache '" + name + "': " + operation;
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  /** Whether a conditional operation found nothing, found a non-matching entry, or changed it. */
  private enum Outcome { MISS, HIT, CHANGED }

  private record Old<V>(V value, boolean changed) {
  }

  private record Invocation<T>(T result, PgMutableEntry.Outcome outcome, boolean existed) {
  }

  private enum NoCompletionListener implements CompletionListener {
    INSTANCE;

    @Override
    public void onCompletion() {
    }

    @Override
    public void onException(Exception e) {
      LOG.log(Level.WARNING, "pgjcache: loadAll failed", e);
    }
  }

  /** Pages through the table in key-digest order; entries that expire meanwhile are skipped. */
  private final class EntryIterator implements Iterator<Cache.Entry<K, V>> {
    private final boolean countAccess;
    private List<StoredEntry> page = List.of();
    private int position;
    private byte[] after = new byte[0];
    private boolean exhausted;
    private Cache.Entry<K, V> next;
    private K lastKey;

    EntryIterator(boolean countAccess) {
      this.countAccess = countAccess;
    }

    @Override
    public boolean hasNext() {
      while (next == null && !exhausted) {
        if (position == page.size()) {
          byte[] from = after;
          page = database.autoCommit(what("iterator"), c -> table.page(c, from, PAGE_SIZE));
          position = 0;
          if (page.size() < PAGE_SIZE) {
            exhausted = page.isEmpty();
          }
          if (page.isEmpty()) {
            break;
          }
          after = page.get(page.size() - 1).digest();
        }
        StoredEntry row = page.get(position++);
        long now = now();
        if (!row.isExpiredAt(now)) {
          next = new PgCacheEntry<>(codec.decodeKey(row.keyBytes()),
              codec.decodeValue(row.valueBytes(), row.digest()));
          if (countAccess) {
            statistics.recordHits(1);
            touch(EncodedKey.ofStored(row.keyBytes(), row.digest()), row.expiresAt(), now);
          }
        }
      }
      return next != null;
    }

    @Override
    public Cache.Entry<K, V> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Cache.Entry<K, V> entry = next;
      next = null;
      lastKey = entry.getKey();
      return entry;
    }

    @Override
    public void remove() {
      if (lastKey == null) {
        throw new IllegalStateException("next() has not been called, or remove() was already called");
      }
      requireOpen();
      PgCache.this.remove(lastKey);
      lastKey = null;
    }
  }

  @Override
  public String toString() {
    return "PgCache[" + manager.getURI() + " " + name + " -> " + table.qualifiedName() + "]";
  }

  /** Whether the exception says this cache's table no longer exists (another node destroyed it). */
  static boolean isDestroyed(CacheException e) {
    return e.getCause() instanceof SQLException sql && DatabaseErrors.isUndefinedTable(sql);
  }
}
