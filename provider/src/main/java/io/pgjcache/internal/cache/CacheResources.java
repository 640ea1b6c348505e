package io.pgjcache.internal.cache;

import static io.pgjcache.internal.Closeables.closeQuietly;

import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.db.Database;
import io.pgjcache.internal.event.ClusterEvents;
import io.pgjcache.internal.event.EventDispatcher;
import io.pgjcache.internal.expiry.ExpiryRules;
import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.store.CacheTable;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.cache.Cache;

/**
 * Everything one open cache owns besides its JCache rules, as {@link CacheFactory} decided it: table, codec,
 * expiry rules, loader, writer, listeners, near cache (or none) and cluster-event publisher (or none). The cache
 * {@linkplain #bind binds} it to itself when it opens, which makes its {@link EntryEngine} and subscribes it to
 * notifications, and {@linkplain #close closes} it once, which releases all of it.
 */
public final class CacheResources<K, V> {
  private final String name;
  private final int cacheId;
  private final Database database;
  private final CacheTable table;
  private final CacheCodec<K, V> codec;
  private final ExpiryRules expiry;
  private final EntryLoader<K, V> loader;
  private final EntryWriter<K, V> writer;
  private final EventDispatcher<K, V> events;
  private final NearCache near;
  private final boolean byReference;
  private final ClusterEvents clusterEvents;
  private final Executor executor;
  private final NotificationRouter router;
  private EntryEngine<K, V> engine;
  private CacheSubscriber<K, V> subscriber;

  CacheResources(String name, int cacheId, Database database, CacheTable table, CacheCodec<K, V> codec,
      ExpiryRules expiry, EntryLoader<K, V> loader, EntryWriter<K, V> writer, NearCache near, boolean byReference,
      ClusterEvents clusterEvents, Executor executor, NotificationRouter router) {
    this.name = Objects.requireNonNull(name, "name");
    this.cacheId = cacheId;
    this.database = Objects.requireNonNull(database, "database");
    this.table = Objects.requireNonNull(table, "table");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.expiry = Objects.requireNonNull(expiry, "expiry");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.router = Objects.requireNonNull(router, "router");
    this.events = new EventDispatcher<>(name, executor);
    this.near = near;
    this.byReference = byReference;
    this.clusterEvents = clusterEvents;
  }

  /** Makes the cache's engine, with {@code source} as the source of its events, and subscribes to notifications. */
  public synchronized EntryEngine<K, V> bind(Cache<K, V> source) {
    if (engine != null) {
      throw new IllegalStateException("Cache '" + name + "' is already bound");
    }
    engine = new EntryEngine<>(source, this, events);
    subscriber = new CacheSubscriber<>(source, this, events, executor);
    router.subscribe(cacheId, subscriber);
    return engine;
  }

  /** Unsubscribes and closes what the application handed in (listeners, loader, writer, expiry policy). */
  public synchronized void close() {
    if (subscriber != null) {
      router.unsubscribe(cacheId, subscriber);
    }
    if (engine != null) {
      engine.close();
    }
    events.close();
    loader.close();
    writer.close();
    closeQuietly(expiry.policy());
  }

  public String name() {
    return name;
  }

  public CacheTable table() {
    return table;
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

  ClusterEvents clusterEvents() {
    return clusterEvents;
  }
}
