package io.pgjcache.internal.cache;

import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.codec.ManagerCodec;
import io.pgjcache.internal.db.Database;
import io.pgjcache.internal.event.ClusterEvents;
import io.pgjcache.internal.expiry.ExpiryRules;
import io.pgjcache.internal.metrics.CacheMetrics;
import io.pgjcache.internal.metrics.ManagerMetrics;
import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.notify.NearCacheLeases;
import io.pgjcache.internal.store.CacheTable;
import io.pgjcache.internal.codec.EncodedKeys;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import javax.cache.configuration.CompleteConfiguration;

/**
 * Decides what a cache gets, the same way for a cache this node creates and one it opens from the registry:
 * its codec (the one it chose, or the manager's), its expiry rules, loader and writer (or their null objects), a
 * near cache if it wants one and one can be kept coherent, store-by-reference on top of that near cache,
 * remembered key encodings, and a publisher of entry events for other nodes if it asked for cluster-wide events.
 */
public final class CacheFactory {
  /**
   * What the cache's configuration and the manager's settings ask for beyond the JCache configuration.
   *
   * @param codec the name of the codec of the cache's keys and values
   */
  public record Wishes(boolean nearCache, int nearCacheMaxEntries, boolean clusterEvents, String codec) {
  }

  private final Database database;
  private final ManagerCodec codec;
  private final Supplier<ClassLoader> classLoader;
  private final Executor executor;
  private final NotificationRouter router;
  private final Supplier<NearCacheLeases> leases;
  private final BooleanSupplier streamForTransactions;
  private final String nodeId;
  private final String eventsChannel;
  private final ManagerMetrics metrics;

  /**
   * @param classLoader   resolves the classes of decoded keys and values
   * @param leases        the near-cache leases on the invalidation stream, started on first use; null when there can
   *                      be no stream
   * @param streamForTransactions starts the invalidation stream for a transactional view and waits for it to
   *                      connect; false when there can be none
   * @param nodeId        tells this node's published events apart from other nodes' ones
   * @param eventsChannel where entry events for other nodes are published
   * @param metrics       where each cache's figures are kept
   */
  public CacheFactory(Database database, ManagerCodec codec, Supplier<ClassLoader> classLoader, Executor executor,
      NotificationRouter router, Supplier<NearCacheLeases> leases, BooleanSupplier streamForTransactions,
      String nodeId, String eventsChannel, ManagerMetrics metrics) {
    this.database = Objects.requireNonNull(database, "database");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.router = Objects.requireNonNull(router, "router");
    this.leases = Objects.requireNonNull(leases, "leases");
    this.streamForTransactions = Objects.requireNonNull(streamForTransactions, "streamForTransactions");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.eventsChannel = Objects.requireNonNull(eventsChannel, "eventsChannel");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * The resources of a cache with this configuration, not bound to a table yet.
   *
   * @param placement   finds or creates the cache's registry entry and table; needs the database, so it runs
   *                    when the cache binds (see {@link CacheResources})
   * @param quietPeriod how long after a binding attempt found the database down the next one waits
   */
  public <K, V> CacheResources<K, V> create(String name, CompleteConfiguration<K, V> configuration, Wishes wishes,
      Supplier<CacheTable> placement, Duration quietPeriod) {
    ExpiryRules expiry = new ExpiryRules(configuration.getExpiryPolicyFactory().create());
    EntryLoader<K, V> loader = EntryLoader.of(configuration.getCacheLoaderFactory());
    EntryWriter<K, V> writer = EntryWriter.of(configuration.isWriteThrough(), configuration.getCacheWriterFactory());
    NearCacheLeases.Lease lease = lease(wishes, expiry);
    NearCache near = lease == null ? null : new NearCache(wishes.nearCacheMaxEntries(), lease);
    // Store-by-reference is honoured where the spec places it, on this node's heap: the near cache keeps and
    // hands out the instances this node stored or decoded. PostgreSQL, and so every other node, gets encodings.
    boolean byReference = near != null && !configuration.isStoreByValue();
    // Remembering key encodings pays off where hits are served from memory.
    CacheCodec<K, V> cacheCodec = new CacheCodec<>(name, codec, wishes.codec(), classLoader, configuration.getKeyType(),
        configuration.getValueType(), near == null ? null : new EncodedKeys<>(near.maxEntries(), byReference));
    IntFunction<ClusterEvents> publisher = cacheId -> new ClusterEvents(cacheId, nodeId, eventsChannel);
    // Cluster-wide events need the LISTEN connection from the start, to hear the other nodes' events. A transactional
    // view needs it only once one is made, for this node to hear its commits: started earlier, it made every node
    // listen, each hearing every write of the cluster, near-cached or not.
    IntFunction<ClusterEvents> clusterEvents = wishes.clusterEvents() && leases.get() != null ? publisher : null;
    IntFunction<ClusterEvents> transactionEvents = cacheId -> streamForTransactions.getAsBoolean()
        ? publisher.apply(cacheId) : null;
    CacheMetrics cacheMetrics = metrics.open(name, near, cacheCodec::staleValues);
    return new CacheResources<>(name, database, placement, quietPeriod, cacheCodec, expiry, loader, writer, near,
        lease, byReference, clusterEvents, transactionEvents, executor, router, cacheMetrics);
  }

  /**
   * The lease of a near cache, or null when there is none: not wanted, no invalidation stream, or an expiry policy
   * that changes expiry on access (a near-cache hit costs no round trip, so it could not also move the entry's
   * expiry in the table).
   */
  private NearCacheLeases.Lease lease(Wishes wishes, ExpiryRules expiry) {
    if (!wishes.nearCache()) {
      return null;
    }
    NearCacheLeases available = leases.get();
    if (available == null || !expiry.isPredictable() || !expiry.accessKeepsExpiry()) {
      return null;
    }
    return available.newLease();
  }
}
