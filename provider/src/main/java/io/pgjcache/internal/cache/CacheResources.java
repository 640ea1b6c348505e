package io.pgjcache.internal.cache;

import static io.pgjcache.internal.Closeables.closeQuietly;

import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.db.Database;
import io.pgjcache.internal.db.DeferredSetUp;
import io.pgjcache.internal.db.JoinedTransaction;
import io.pgjcache.internal.event.ClusterEvents;
import io.pgjcache.internal.event.EventDispatcher;
import io.pgjcache.internal.expiry.ExpiryRules;
import io.pgjcache.internal.metrics.CacheMetrics;
import io.pgjcache.internal.metrics.WriteMetrics;
import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.notify.NearCacheLeases;
import io.pgjcache.internal.store.CacheTable;
import java.sql.Connection;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;

/**
 * Everything one open cache owns besides its JCache rules, as {@link CacheFactory} decided it: codec, expiry rules,
 * loader, writer, listeners, near cache (or none) and cluster-event publisher (or none); and, once bound, its table
 * and {@link EntryEngine}. It is {@linkplain #close closed} once, which releases all of it.
 *
 * <p><b>Binding.</b> Where the entries live (the registry id and the table) is known only once the registry has
 * been read or written, which needs the database. A cache made while PostgreSQL is down must still be handed to
 * the application, so the binding is a {@link DeferredSetUp}: the manager tries it when it opens the cache, and
 * otherwise the first use that needs the table ({@link #engine}: any operation, or the sweeper's round) makes it
 * once the database is back. The binding creates the table from the configuration given, or attaches to the one
 * another node registered, as {@code createCache} does. Only then does the cache subscribe to the notifications
 * for its registry id, before any read could fill its near cache: nothing a notification would have invalidated
 * can be in it yet, since no read or write has succeeded before the binding did. Then it takes the near cache's
 * lease ({@link NearCacheLeases}), without which other nodes' writes would not announce themselves: the near cache
 * serves once the lease is armed.
 */
public final class CacheResources<K, V> {
  private final String name;
  private final Database database;
  private final CacheCodec<K, V> codec;
  private final ExpiryRules expiry;
  private final EntryLoader<K, V> loader;
  private final EntryWriter<K, V> writer;
  private final EventDispatcher<K, V> events;
  private final NearCache near;
  /** The near cache's lease, taken once the cache is bound; null when there is no near cache. */
  private final NearCacheLeases.Lease lease;
  private final boolean byReference;
  /** Makes the publisher of entry events for other nodes once the registry id is known; null when none. */
  private final IntFunction<ClusterEvents> clusterEvents;
  /**
   * Makes a publisher of events once the registry id is known, for changes made in a caller's transaction (see
   * {@link JoinedEngine}); null when there is no notification stream to hear them by.
   */
  private final IntFunction<ClusterEvents> transactionEvents;
  private final Executor executor;
  private final NotificationRouter router;
  private final DeferredSetUp<EntryEngine<K, V>> binding;
  private final CacheMetrics metrics;
  /** The source of the cache's events; set once by {@link #attach}. */
  private volatile Cache<K, V> source;
  /** Guarded by this. */
  private CacheSubscriber<K, V> subscriber;
  private int subscribedId;
  private boolean closed;

  CacheResources(String name, Database database, Supplier<CacheTable> placement, Duration quietPeriod,
      CacheCodec<K, V> codec, ExpiryRules expiry, EntryLoader<K, V> loader, EntryWriter<K, V> writer, NearCache near,
      NearCacheLeases.Lease lease, boolean byReference, IntFunction<ClusterEvents> clusterEvents,
      IntFunction<ClusterEvents> transactionEvents, Executor executor, NotificationRouter router,
      CacheMetrics metrics) {
    this.name = Objects.requireNonNull(name, "name");
    this.database = Objects.requireNonNull(database, "database");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.expiry = Objects.requireNonNull(expiry, "expiry");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.router = Objects.requireNonNull(router, "router");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.events = new EventDispatcher<>(name, executor);
    this.near = near;
    this.lease = lease;
    this.byReference = byReference;
    this.clusterEvents = clusterEvents;
    this.transactionEvents = transactionEvents;
    Objects.requireNonNull(placement, "placement");
    this.binding = new DeferredSetUp<>(() -> bind(placement.get()), quietPeriod);
  }

  /** Makes {@code source} the source of the cache's events; the cache calls it once, as it is made. */
  public void attach(Cache<K, V> source) {
    if (this.source != null) {
      throw new IllegalStateException("Cache '" + name + "' is already attached");
    }
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * The cache's engine, binding the cache to its table first if that has not happened yet.
   *
   * @throws CacheException when it cannot be bound now (the message says why, the database's error is its cause)
   */
  public EntryEngine<K, V> engine() {
    EntryEngine<K, V> engine = binding.ifDone();
    if (engine != null) {
      return engine;
    }
    try {
      return binding.get();
    } catch (CacheException e) {
      throw new CacheException("pgjcache: cache '" + name + "' is not bound to its table yet: " + e.getMessage(), e);
    }
  }

  /** The registry id the cache is bound to, or empty while it is not bound yet. */
  public OptionalInt boundId() {
    EntryEngine<K, V> engine = binding.ifDone();
    return engine == null ? OptionalInt.empty() : OptionalInt.of(engine.table().cacheId());
  }

  /**
   * The cache's primitives run in the transaction open on {@code connection}, binding the cache first if needed.
   *
   * @throws IllegalArgumentException when the connection is in auto-commit mode or to another database
   */
  public EntryAccess<K, V> joined(Connection connection) {
    EntryEngine<K, V> engine = engine();
    JoinedTransaction transaction = JoinedTransaction.join("pgjcache: cache '" + name + "'", connection, database);
    ClusterEvents events = transactionEvents == null ? null : transactionEvents.apply(engine.table().cacheId());
    return new JoinedEngine<>(name, engine, transaction, codec, expiry, near, this.events, events);
  }

  /**
   * Waits, at most {@code timeout}, until the near cache of a bound cache serves (its lease is armed); at once when
   * there is no near cache or the cache is not bound yet. Returns whether it serves or there is none.
   */
  public boolean awaitNearCacheServing(Duration timeout) {
    return lease == null || binding.ifDone() == null || lease.awaitServing(timeout);
  }

  /** The cache's table, binding the cache first if needed (see {@link #engine}). */
  public CacheTable table() {
    return engine().table();
  }

  private EntryEngine<K, V> bind(CacheTable table) {
    Cache<K, V> cache = Objects.requireNonNull(source, "source: attach() first");
    ClusterEvents published = clusterEvents == null ? null : clusterEvents.apply(table.cacheId());
    EntryEngine<K, V> engine = new EntryEngine<>(cache, this, table, published, events);
    CacheSubscriber<K, V> made = new CacheSubscriber<>(cache, this, table, events, executor);
    synchronized (this) {
      if (closed) {
        // Closed while the binding was under way: there is nothing left to subscribe.
        engine.close();
      } else {
        subscriber = made;
        subscribedId = table.cacheId();
        router.subscribe(subscribedId, subscriber);
        if (lease != null) {
          // Subscribed first: the near cache serves only once the lease is armed, and must hear every
          // notification from then on.
          lease.take(subscribedId);
        }
      }
    }
    return engine;
  }

  /** Unsubscribes and closes what the application handed in (listeners, loader, writer, expiry policy). */
  public void close() {
    synchronized (this) {
      closed = true;
      if (subscriber != null) {
        router.unsubscribe(subscribedId, subscriber);
        subscriber = null;
      }
      if (lease != null) {
        lease.release();
      }
    }
    EntryEngine<K, V> engine = binding.ifDone();
    if (engine != null) {
      engine.close();
    }
    events.close();
    loader.close();
    writer.close();
    closeQuietly(expiry.policy());
    metrics.close();
  }

  public String name() {
    return name;
  }

  public CacheCodec<K, V> codec() {
    return codec;
  }

  public EntryLoader<K, V> loader() {
    return loader;
  }

  public EntryWriter<K, V> writer() {
    return writer;
  }

  public EventDispatcher<K, V> events() {
    return events;
  }

  public Executor executor() {
    return executor;
  }

  /** This cache's figures on this node. */
  public CacheMetrics metrics() {
    return metrics;
  }

  /** Where the write path reports how it commits (group commits). */
  WriteMetrics writeMetrics() {
    return metrics;
  }

  Database database() {
    return database;
  }

  ExpiryRules expiry() {
    return expiry;
  }

  NearCache near() {
    return near;
  }

  boolean byReference() {
    return byReference;
  }
}
