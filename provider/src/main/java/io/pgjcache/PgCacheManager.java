package io.pgjcache;

import io.pgjcache.configuration.Setting;
import io.pgjcache.internal.cache.CacheFactory;
import io.pgjcache.internal.cache.CacheResources;
import io.pgjcache.internal.cache.NotificationRouter;
import io.pgjcache.internal.codec.Codecs;
import io.pgjcache.internal.codec.ManagerCodec;
import io.pgjcache.internal.config.CacheSettings;
import io.pgjcache.internal.config.ManagerSettings;
import io.pgjcache.internal.db.ConnectionPools;
import io.pgjcache.internal.db.Database;
import io.pgjcache.internal.db.DatabaseErrors;
import io.pgjcache.internal.db.DatabaseOutage;
import io.pgjcache.internal.expiry.ExpirySweeper;
import io.pgjcache.internal.expiry.PortableExpiry;
import io.pgjcache.internal.metrics.ManagerMetrics;
import io.pgjcache.internal.notify.InvalidationListener;
import io.pgjcache.internal.notify.ListenTarget;
import io.pgjcache.internal.notify.ListenTargets;
import io.pgjcache.internal.notify.NearCacheLeases;
import io.pgjcache.internal.store.CacheTable;
import io.pgjcache.internal.store.Identifiers;
import io.pgjcache.internal.store.NearCacheLocks;
import io.pgjcache.internal.store.Registry;
import io.pgjcache.internal.store.ValueColumn;
import io.pgjcache.management.CacheMetricsMXBean;
import io.pgjcache.management.ManagerMetricsMXBean;
import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.spi.CachingProvider;
import javax.sql.DataSource;

/**
 * A cache manager: one connection pool, one registry view and one expiry sweeper on one database.
 * Two managers on the same database (in one JVM or many) are two nodes of one cluster: they see
 * the same caches and the same entries.
 *
 * <p>Caches outlive managers. {@link #createCache} on a cache that another node (or an earlier run)
 * registered attaches to its table and keeps its entries, so every node can run the same start-up
 * code; it fails only when this manager already has the cache open. {@link #destroyCache} drops the
 * table for every node; another node notices when it next asks for the cache by name ({@link #getCache},
 * {@link #createCache}) or its sweeper finds the table gone, closes its copy and answers as if it had
 * never opened it.
 *
 * <p><b>Starting while PostgreSQL is down.</b> Nothing here needs the database to be made: the schema is set up
 * on the registry's first use, and a cache opened during an outage binds to its table on its first use once the
 * database is back (the sweeper's next round counts as one). Meanwhile operations fail at once with a
 * {@link CacheException}; {@link #getCache} and {@link #getCacheNames} answer from the caches open here, so
 * that frameworks that look a cache up before creating it start too. Failures that waiting will not cure (a
 * login refused, a privilege missing) still fail the call that met them.
 *
 * <p><b>Threading.</b> Thread-safe. It owns daemon threads: {@code pgjcache-<manager>-sweeper},
 * {@code pgjcache-<manager>-events} (asynchronous listeners and {@code loadAll}) and, once a cache has a near
 * cache, {@code pgjcache-<manager>-listener} (the one LISTEN connection) and {@code pgjcache-<manager>-leases}
 * (the near caches' leases, see {@link NearCacheLeases}); {@link #close()} stops them all and
 * closes the pool if the manager made it.
 */
public final class PgCacheManager implements CacheManager {
  private static final System.Logger LOG = System.getLogger(PgCacheManager.class.getName());

  private final PgCachingProvider provider;
  private final URI uri;
  /**
   * Held weakly, like the provider's key: a manager the application forgot to close must not keep the application's
   * classes (and everything they reach) alive after it is gone.
   */
  private final WeakReference<ClassLoader> classLoader;
  private final Properties properties;
  private final ManagerSettings settings;
  private final ConnectionPools.Pool pool;
  private final Database database;
  private final ManagerMetrics metrics;
  private final Registry registry;
  private final ExecutorService executor;
  private final ExpirySweeper sweeper;
  private final ConcurrentMap<String, OpenCache> caches = new ConcurrentHashMap<>();
  private final String managerName;
  /** Hands notifications to the open caches; the LISTEN connection feeds it. */
  private final NotificationRouter router;
  private final CacheFactory factory;
  /** Written under the lifecycle lock; read without it once set. */
  private volatile InvalidationListener listener;
  /** The near-cache leases on the LISTEN connection, made with it. */
  private NearCacheLeases leases;
  /** Tells this node's leases and published events apart from other nodes' ones. */
  private final String nodeId;
  /** The LISTEN connection that the call holding the lifecycle lock started, which it waits for after unlocking. */
  private InvalidationListener startedUnderLock;
  private boolean listenerUnavailable;
  private final ReentrantLock lifecycle = new ReentrantLock();
  private volatile boolean closed;

  PgCacheManager(PgCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties,
      ManagerSettings settings) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.uri = Objects.requireNonNull(uri, "uri");
    this.classLoader = new WeakReference<>(Objects.requireNonNull(classLoader, "classLoader"));
    this.properties = Objects.requireNonNull(properties, "properties");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.managerName = threadSafeName(uri);
    LOG.log(Level.DEBUG, () -> "pgjcache: manager " + uri + " starting with " + settings);
    this.pool = ConnectionPools.open(managerName, settings, classLoader);
    this.metrics = new ManagerMetrics(uri, pool.dataSource(), pool.owned());
    this.database = new Database(pool.dataSource(), metrics::called);
    this.registry = new Registry(database, settings.schema(), settings.verbatimShortKeys(),
        settings.connectionTimeout());
    setUpSchemaUnlessDown();
    this.executor = Executors.newCachedThreadPool(daemonThreads(managerName, "events"));
    // The node id tells this node's published events apart from other nodes' ones.
    this.nodeId = Long.toHexString(new SecureRandom().nextLong());
    this.router = new NotificationRouter(nodeId);
    this.factory = new CacheFactory(database,
        new ManagerCodec(new Codecs(settings.serialFilter(), settings.jsonMapper(), settings.codec()),
            settings.maxKeySize(), settings.maxValueSize(), settings.signer()), this::decodingClassLoader,
        executor, router, this::nearCacheLeases, this::streamForTransactions, nodeId,
        Identifiers.eventsChannel(settings.schema()), metrics);
    this.sweeper = new ExpirySweeper(managerName, settings.sweepInterval(), settings.sweepBatchSize(),
        () -> caches.values().stream().map(SweptCache::new).toList(), daemonThreads(managerName, "sweeper"));
    LOG.log(Level.DEBUG, () -> "pgjcache: manager " + uri + " started on " + pool.description()
        + ", schema " + settings.schema());
  }

  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(configuration, "configuration");
    Identifiers.requireValidCacheName(cacheName);
    Cache<K, V> cache;
    lifecycle.lock();
    try {
      // Again under the lock: a close() that ran meanwhile must not be followed by a cache opened here.
      requireOpen();
      OpenCache open = caches.get(cacheName);
      if (open != null) {
        Optional<Registry.CacheRecord> registered = findUnlessDown(cacheName);
        if (registered == null || open.isRegisteredAs(registered)) {
          throw new CacheException("Cache '" + cacheName + "' already exists in cache manager " + uri);
        }
        closeDestroyed(open);
      }
      cache = open(cacheName, copyOf(configuration));
    } finally {
      unlockAndAwaitListener();
    }
    awaitNearCacheServing(cache);
    return cache;
  }

  @Override
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    requireOpen();
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    Cache<K, V> cache = getCache(cacheName);
    if (cache == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    CompleteConfiguration<K, V> config = cache.getConfiguration(CompleteConfiguration.class);
    if (!config.getKeyType().equals(keyType) || !config.getValueType().equals(valueType)) {
      throw new ClassCastException("Cache '" + cacheName + "' is configured for <" + config.getKeyType().getName()
          + ", " + config.getValueType().getName() + ">, not <" + keyType.getName() + ", " + valueType.getName() + ">");
    }
    return cache;
  }

  /**
   * The cache of this name: open in this manager, or registered in the database by another node, in
   * which case it is opened here with what the registry records (key and value types, store-by-value, and
   * the expiry policy when it is one of the JCache API's) and a default configuration otherwise (listeners,
   * loaders, writers and custom expiry policies belong to the node that configured them).
   * Every call reads the registry, so that a cache another node destroyed is not handed out.
   *
   * <p><b>While the database is down</b> the registry cannot be read: the answer is then the cache open here, or
   * null when there is none, without an exception. That is what lets an application start during an outage:
   * Hibernate's {@code JCacheRegionFactory} and the Spring starter ask {@code getCache} first and call
   * {@link #createCache} on null, which hands out a cache that binds to its table (the one another node
   * registered, if any) once the database is back.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Identifiers.requireValidCacheName(cacheName);
    Optional<Registry.CacheRecord> registered = findUnlessDown(cacheName);
    OpenCache open = caches.get(cacheName);
    if (registered == null) {
      return open == null ? null : (Cache<K, V>) open.cache();
    }
    if (open != null && open.isRegisteredAs(registered)) {
      return (Cache<K, V>) open.cache();
    }
    if (open == null && registered.isEmpty()) {
      return null;
    }
    Cache<K, V> cache;
    lifecycle.lock();
    try {
      requireOpen();
      registered = findUnlessDown(cacheName);
      open = caches.get(cacheName);
      if (registered == null) {
        return open == null ? null : (Cache<K, V>) open.cache();
      }
      if (open != null) {
        if (open.isRegisteredAs(registered)) {
          return (Cache<K, V>) open.cache();
        }
        closeDestroyed(open);
      }
      if (registered.isEmpty()) {
        return null;
      }
      Registry.Shape shape = registered.get().shape();
      MutableConfiguration<Object, Object> configuration = new MutableConfiguration<>();
      configuration.setTypes((Class<Object>) resolve(shape.keyType()), (Class<Object>) resolve(shape.valueType()));
      configuration.setStoreByValue(shape.storeByValue());
      PortableExpiry.factoryOf(shape.expiry()).ifPresent(configuration::setExpiryPolicyFactory);
      cache = (Cache<K, V>) open(cacheName, new PgCacheConfiguration<>(configuration).setUnlogged(shape.unlogged())
          .setCodec(shape.codec()));
    } finally {
      unlockAndAwaitListener();
    }
    awaitNearCacheServing(cache);
    return cache;
  }

  /**
   * Every cache registered in the database, whichever node created it. A cache open here that
   * another node destroyed is not among them.
   *
   * <p>While the database is down: the caches open here, those made during the outage included. Frameworks list
   * the names at start-up (the Spring starter serves each one), and an application must be able to start then.
   */
  @Override
  public Iterable<String> getCacheNames() {
    requireOpen();
    List<String> names = DatabaseOutage.orElse(registry::cacheNames, e -> {
      LOG.log(Level.DEBUG, () -> "pgjcache: manager " + uri + ": listing the caches open here only: "
          + e.getMessage());
      return List.copyOf(caches.keySet());
    });
    return Collections.unmodifiableSet(new LinkedHashSet<>(names));
  }

  /**
   * What the registry holds for the name, or null when the database is down, in which case the caller goes by
   * what is open here. Any other failure is thrown.
   */
  private Optional<Registry.CacheRecord> findUnlessDown(String cacheName) {
    return DatabaseOutage.orElse(() -> registry.find(cacheName), e -> {
      LOG.log(Level.DEBUG, () -> "pgjcache: manager " + uri + ": cache '" + cacheName
          + "': going by what is open here: " + e.getMessage());
      return null;
    });
  }

  /** Closes the cache here and drops its table and entries for every node. */
  @Override
  public void destroyCache(String cacheName) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Identifiers.requireValidCacheName(cacheName);
    lifecycle.lock();
    try {
      requireOpen();
      OpenCache open = caches.get(cacheName);
      if (open != null) {
        open.cache().close();
      }
      registry.destroy(cacheName);
    } finally {
      lifecycle.unlock();
    }
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    requireOpen();
    openCache(cacheName).ifPresent(cache -> cache.setManagementEnabled(enabled));
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    requireOpen();
    openCache(cacheName).ifPresent(cache -> cache.setStatisticsEnabled(enabled));
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  /** The class loader this manager was made for; null only once the application has let go of it. */
  @Override
  public ClassLoader getClassLoader() {
    return classLoader.get();
  }

  /** Where stored keys and values find their classes: the manager's loader while it lives, else pgjcache's own. */
  private ClassLoader decodingClassLoader() {
    ClassLoader loader = classLoader.get();
    return loader != null ? loader : PgCacheManager.class.getClassLoader();
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  /**
   * This manager's figures beyond the standard statistics (LISTEN connection, notification lag, pool), also
   * registered as the MBean {@code pgjcache:type=CacheManagerMetrics,CacheManager=...}.
   */
  public ManagerMetricsMXBean getMetrics() {
    return metrics;
  }

  /**
   * Calls {@code watcher} with the figures of every cache open here now and, until the manager closes, of every
   * cache opened later (each also registered as {@code pgjcache:type=CacheMetrics,CacheManager=...,Cache=...}):
   * how a monitoring library binds caches that an application opens after its start.
   */
  public void watchCacheMetrics(Consumer<? super CacheMetricsMXBean> watcher) {
    requireOpen();
    metrics.watchCaches(watcher);
  }

  /** The DataSource this manager's caches use, for tools that want to look at the tables. */
  public DataSource getDataSource() {
    return pool.dataSource();
  }

  @Override
  public void close() {
    lifecycle.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (OpenCache open : caches.values()) {
        try {
          open.cache().close();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "pgjcache: closing cache '" + open.cache().getName() + "' failed", e);
        }
      }
      caches.clear();
    } finally {
      lifecycle.unlock();
    }
    sweeper.close();
    if (leases != null) {
      leases.close();
    }
    if (listener != null) {
      listener.close();
    }
    metrics.close();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    pool.closeIfOwned();
    provider.forget(this);
    LOG.log(Level.DEBUG, () -> "pgjcache: manager " + uri + " closed");
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap cache manager " + uri + " to " + clazz.getName());
  }

  @Override
  public String toString() {
    return "PgCacheManager[" + uri + ", schema " + settings.schema() + ", " + pool.description() + "]";
  }

  /** Called by a cache that closes. */
  private void forget(Cache<?, ?> cache) {
    caches.computeIfPresent(cache.getName(), (name, open) -> open.cache() == cache ? null : open);
  }

  /**
   * A cache open in this manager. Destroying a cache removes its registry row; creating it again makes a row with
   * a new id. Either way a copy bound to the old id is stale. A copy not bound yet (made during an outage) is never
   * stale: it binds to whatever the registry holds when it first can.
   */
  private record OpenCache(PgCache<?, ?> cache) {
    boolean isRegisteredAs(Optional<Registry.CacheRecord> registered) {
      OptionalInt boundId = cache.boundId();
      return boundId.isEmpty() || (registered.isPresent() && registered.get().id() == boundId.getAsInt());
    }
  }

  /**
   * The sweeper's view of an open cache. When the table is gone because another node destroyed the
   * cache, the copy here is closed: sweeping it again would only fail (and warn) on every round. When it is gone
   * but still registered, its near copies are dropped: each sweep is also this node's check for a dropped table.
   */
  private final class SweptCache implements ExpirySweeper.Sweepable {
    private final OpenCache open;

    SweptCache(OpenCache open) {
      this.open = open;
    }

    @Override
    public String getName() {
      return open.cache().getName();
    }

    @Override
    public long sweepExpired(long now, int batchSize, int maxBatches) {
      try {
        return open.cache().sweepExpired(now, batchSize, maxBatches);
      } catch (CacheException e) {
        if (isDestroyed(e)) {
          if (closeIfDestroyed(open)) {
            return 0;
          }
          // Still registered: an operator dropped the table by hand, which no trigger announces (the event trigger
          // does, where it could be installed). Stop serving copies of what the table held.
          open.cache().boundId().ifPresent(router::invalidateAll);
        }
        throw e;
      }
    }
  }

  /** Whether the exception says the cache's table no longer exists (another node destroyed it). */
  private static boolean isDestroyed(CacheException e) {
    return e.getCause() instanceof SQLException sql && DatabaseErrors.isUndefinedTable(sql);
  }

  /** Closes the copy here if the registry no longer has the cache it was opened as; returns whether it did. */
  private boolean closeIfDestroyed(OpenCache open) {
    lifecycle.lock();
    try {
      if (closed || open.isRegisteredAs(registry.find(open.cache().getName()))) {
        return false;
      }
      closeDestroyed(open);
      return true;
    } finally {
      lifecycle.unlock();
    }
  }

  /**
   * The configured expiry policy as registry text, or null when it is not one of the JCache API's. The policy
   * asked is not closed: a singleton factory hands the cache this very instance.
   */
  private static String portableExpiry(PgCacheConfiguration<?, ?> configuration) {
    return PortableExpiry.describe(configuration.getExpiryPolicyFactory().create()).orElse(null);
  }

  /** Closes the local copy of a cache that another node destroyed since this one opened it. */
  private void closeDestroyed(OpenCache open) {
    LOG.log(Level.DEBUG, () -> "pgjcache: manager " + uri + ": cache '" + open.cache().getName()
        + "' was destroyed by another node; closing it here");
    open.cache().close();
  }

  /**
   * Opens the cache here and binds it to its table: registers it and creates the table from this configuration,
   * or attaches to the table another node registered. While the database is down the cache is handed out all the
   * same, unbound: it binds, with this configuration, on first use once the database is back (see
   * {@link CacheResources}), and each operation before that fails at once with a {@link CacheException}. Any
   * other failure to bind (a privilege missing, say) fails this call, as it always did.
   */
  private <K, V> PgCache<K, V> open(String cacheName, PgCacheConfiguration<K, V> configuration) {
    applyCacheSettings(cacheName, configuration);
    CacheFactory.Wishes wishes = wishes(configuration);
    Registry.Shape shape = new Registry.Shape(configuration.getKeyType().getName(),
        configuration.getValueType().getName(), configuration.isUnlogged(), portableExpiry(configuration),
        configuration.isStoreByValue(), wishes.codec());
    Supplier<CacheTable> placement = () -> {
      Registry.CacheRecord record = registry.findOrCreate(cacheName, shape);
      requireSameCodec(cacheName, record.shape().codec(), shape.codec());
      return new CacheTable(record.id(), settings.schema(), record.tableName(), ValueColumn.of(record.shape().codec()),
          record.verbatimShortKeys());
    };
    CacheResources<K, V> resources;
    try {
      resources = factory.create(cacheName, configuration, wishes, placement, settings.connectionTimeout());
    } catch (IllegalArgumentException e) {
      // A codec whose library is missing, or that cannot be signed: this cache's configuration is at fault.
      throw new CacheException(e.getMessage(), e);
    }
    PgCache<K, V> cache = new PgCache<>(this, this::forget, configuration, resources);
    caches.put(cacheName, new OpenCache(cache));
    try {
      DatabaseOutage.orElse(() -> {
        cache.bind();
        return true;
      }, e -> {
        LOG.log(Level.WARNING, () -> "pgjcache: manager " + uri + ": cache '" + cacheName + "' is open but not "
            + "bound to its table yet; it binds when first used once the database is back: " + e.getMessage());
        return false;
      });
    } catch (RuntimeException e) {
      cache.close();
      throw e;
    }
    return cache;
  }

  /**
   * Sets the schema up now if the database answers. While it is down the manager starts all the same (an
   * application must be able to start during an outage, and every operation recovers by itself): the registry sets
   * the schema up on its first use once the database is back. Any other failure (a login refused, a privilege
   * missing) fails the manager at once, as it would fail every operation.
   */
  private void setUpSchemaUnlessDown() {
    try {
      DatabaseOutage.orElse(() -> {
        registry.setUp();
        return true;
      }, e -> {
        LOG.log(Level.WARNING, () -> "pgjcache: manager " + uri + " starts without its database; schema "
            + settings.schema() + " is set up when it is back: " + e.getMessage());
        return false;
      });
    } catch (RuntimeException e) {
      pool.closeIfOwned();
      throw e;
    }
  }

  /** What the cache asks for beyond the JCache configuration, its own settings winning over the manager's. */
  private CacheFactory.Wishes wishes(PgCacheConfiguration<?, ?> configuration) {
    boolean nearCache = configuration.getNearCacheEnabled() != null
        ? configuration.getNearCacheEnabled() : settings.nearCacheEnabled();
    int maxEntries = configuration.getNearCacheMaxEntries() > 0
        ? configuration.getNearCacheMaxEntries() : settings.nearCacheMaxEntries();
    String codec = configuration.getCodec() != null ? configuration.getCodec() : settings.codec();
    return new CacheFactory.Wishes(nearCache, maxEntries, configuration.isClusterEvents(), codec);
  }

  /**
   * Every node must read and write a cache's entries with the codec it was created with: one configured otherwise
   * fails rather than store what the others cannot read.
   */
  private static void requireSameCodec(String cacheName, String registered, String configured) {
    if (!registered.equals(configured)) {
      throw new CacheException("Cache '" + cacheName + "' was created with the " + registered + " codec, but this "
          + "node is configured to use the " + configured + " codec for it (" + Setting.CACHE_PREFIX + cacheName + "."
          + Setting.CACHE_CODEC.key() + ", " + Setting.CODEC.key() + " or PgCacheConfiguration.setCodec); every node "
          + "must use the codec the cache was created with");
    }
  }

  /**
   * The LISTEN connection, started with the first cache that has a near cache or cluster-wide events (the call
   * that started it waits for it after releasing the lifecycle lock); if it cannot connect, it keeps trying in
   * the background and the near caches stay bypassed meanwhile.
   */
  private InvalidationListener invalidationListener() {
    if (listener == null && !listenerUnavailable) {
      Optional<ListenTarget> target;
      try {
        target = ListenTargets.resolve(settings, pool.dataSource());
      } catch (IllegalArgumentException e) {
        LOG.log(Level.WARNING, "pgjcache: manager " + uri + ": near caches are off: " + e.getMessage());
        listenerUnavailable = true;
        metrics.listenerUnavailable();
        return null;
      }
      if (target.isEmpty()) {
        LOG.log(Level.WARNING, "pgjcache: manager " + uri + ": near caches are off: the address for the LISTEN "
            + "connection is unknown; set " + Setting.LISTEN_URL.key());
        listenerUnavailable = true;
        metrics.listenerUnavailable();
        return null;
      }
      listener = new InvalidationListener(managerName, target.get(), registry.channel(),
          Identifiers.eventsChannel(settings.schema()), settings.connectionTimeout(), router,
          daemonThreads(managerName, "listener"));
      leases = new NearCacheLeases(managerName, listener, new NearCacheLocks(database),
          registry::announceOtherWriters, daemonThreads(managerName, "leases"));
      metrics.listenerStarted(listener);
      startedUnderLock = listener;
    }
    return listener;
  }

  /**
   * Starts the LISTEN connection for a transactional view, unless it runs already, and waits a moment for it to
   * connect: this node's listeners hear a change made in a caller's transaction by its commit's notification. Returns
   * whether there is one. A node without near caches, cluster-wide events or transactional views never listens.
   */
  private boolean streamForTransactions() {
    if (listener != null) {
      return true;
    }
    lifecycle.lock();
    try {
      requireOpen();
      return invalidationListener() != null;
    } finally {
      unlockAndAwaitListener();
    }
  }

  /** The near-cache leases on the LISTEN connection, which starts with them; null when there can be none. */
  private NearCacheLeases nearCacheLeases() {
    return invalidationListener() == null ? null : leases;
  }

  /**
   * Waits a moment, after the lifecycle lock is released, until the near cache of a cache just opened serves (its
   * lease is armed; usually a few milliseconds), so that it serves from memory at once; not while the LISTEN
   * connection is down, which bypasses it anyway.
   */
  private void awaitNearCacheServing(Cache<?, ?> cache) {
    InvalidationListener current = listener;
    if (cache instanceof PgCache<?, ?> opened && current != null && current.isLive()) {
      opened.awaitNearCacheServing(settings.connectionTimeout());
    }
  }

  /**
   * Releases the lifecycle lock, then waits a moment for the LISTEN connection if the call that held the lock
   * started it, so that a freshly opened cache serves from memory at once while other calls go on.
   */
  private void unlockAndAwaitListener() {
    InvalidationListener started = startedUnderLock;
    startedUnderLock = null;
    lifecycle.unlock();
    if (started != null) {
      started.awaitFirstConnect(settings.connectionTimeout());
    }
  }

  private void applyCacheSettings(String cacheName, PgCacheConfiguration<?, ?> configuration) {
    var given = settings.forCache(cacheName);
    CacheSettings.unlogged(given).ifPresent(configuration::setUnlogged);
    CacheSettings.nearCache(given).ifPresent(configuration::setNearCacheEnabled);
    CacheSettings.nearCacheMaxEntries(given).ifPresent(configuration::setNearCacheMaxEntries);
    CacheSettings.clusterEvents(given).ifPresent(configuration::setClusterEvents);
    CacheSettings.codec(given).ifPresent(configuration::setCodec);
    CacheSettings.expiryAfterWrite(given).ifPresent(ttl -> {
      if (CacheSettings.mustNeverExpire(cacheName)) {
        // Hibernate treats a missing update timestamp as "no table changed", so an expired one would make
        // stale query results look current. Hibernate creates this cache itself; the file is the only way in.
        LOG.log(Level.WARNING, () -> "pgjcache: manager " + uri + ", cache '" + cacheName + "': ignoring "
            + Setting.CACHE_PREFIX + cacheName + "." + Setting.CACHE_EXPIRY_AFTER_WRITE.key() + "=" + ttl
            + "; Hibernate's update-timestamps region must never expire");
        return;
      }
      configuration.setExpiryPolicyFactory(
          ModifiedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, ttl.toMillis())));
    });
  }

  @SuppressWarnings("unchecked")
  private static <K, V> PgCacheConfiguration<K, V> copyOf(Configuration<K, V> configuration) {
    if (configuration instanceof CompleteConfiguration<K, V> complete) {
      return new PgCacheConfiguration<>(complete);
    }
    PgCacheConfiguration<K, V> copy = new PgCacheConfiguration<>();
    copy.setTypes(configuration.getKeyType(), configuration.getValueType());
    copy.setStoreByValue(configuration.isStoreByValue());
    return copy;
  }

  private Optional<PgCache<?, ?>> openCache(String cacheName) {
    Objects.requireNonNull(cacheName, "cacheName");
    return Optional.ofNullable(caches.get(cacheName)).map(OpenCache::cache);
  }

  private Class<?> resolve(String typeName) {
    try {
      return Class.forName(typeName, false, decodingClassLoader());
    } catch (ClassNotFoundException e) {
      return Object.class;
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Cache manager " + uri + " is closed");
    }
  }

  /** A URI made fit for thread and pool names. */
  private static String threadSafeName(URI uri) {
    String text = uri.toString().replaceAll("[^A-Za-z0-9._-]+", "_");
    return text.length() > 40 ? text.substring(text.length() - 40) : text;
  }

  private static ThreadFactory daemonThreads(String managerName, String role) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "pgjcache-" + managerName + "-" + role + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
