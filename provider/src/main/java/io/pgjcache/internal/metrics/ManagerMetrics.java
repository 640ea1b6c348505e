package io.pgjcache.internal.metrics;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.pgjcache.internal.db.Database;
import io.pgjcache.internal.management.MBeans;
import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.notify.InvalidationListener;
import io.pgjcache.internal.notify.ListenerFigures;
import io.pgjcache.management.CacheMetricsMXBean;
import io.pgjcache.management.ListenerState;
import io.pgjcache.management.ManagerMetricsMXBean;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import javax.cache.CacheException;
import javax.management.ObjectName;
import javax.sql.DataSource;

/**
 * One manager's figures (see {@link ManagerMetricsMXBean}) and the {@link CacheMetrics} of its open caches, kept
 * registered on the platform MBean server under the {@code pgjcache} domain from the manager's start to its close.
 *
 * <p>Thread-safe. The manager tells it of the LISTEN connection's lifecycle; the database tells it of every unit
 * of work a cache sends ({@link #called}); everything else is read from its source when asked.
 */
public final class ManagerMetrics implements ManagerMetricsMXBean {
  private static final System.Logger LOG = System.getLogger(ManagerMetrics.class.getName());

  private final URI managerUri;
  private final DataSource dataSource;
  private final boolean poolOwned;
  private final ConcurrentMap<String, CacheMetrics> caches = new ConcurrentHashMap<>();
  private final List<Consumer<? super CacheMetricsMXBean>> watchers = new CopyOnWriteArrayList<>();
  private final LongAdder swept = new LongAdder();
  private volatile InvalidationListener listener;
  private volatile boolean listenerUnavailable;
  private volatile boolean closed;

  public ManagerMetrics(URI managerUri, DataSource dataSource, boolean poolOwned) {
    this.managerUri = Objects.requireNonNull(managerUri, "managerUri");
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.poolOwned = poolOwned;
    register(this, MBeans.metricsName(managerUri, null));
  }

  /** The manager's LISTEN connection, once it started one. */
  public void listenerStarted(InvalidationListener started) {
    this.listener = Objects.requireNonNull(started, "started");
  }

  /** The manager found that it cannot open a LISTEN connection at all. */
  public void listenerUnavailable() {
    listenerUnavailable = true;
  }

  /** Makes and registers the metrics of a cache that opens; the cache closes them when it closes. */
  public CacheMetrics open(String cacheName, NearCache near, LongSupplier undecodable) {
    ObjectName name = MBeans.metricsName(managerUri, cacheName);
    CacheMetrics[] made = new CacheMetrics[1];
    made[0] = new CacheMetrics(cacheName, near, () -> {
      if (caches.remove(cacheName, made[0])) {
        unregister(name);
      }
    }, swept, undecodable);
    CacheMetrics previous = caches.put(cacheName, made[0]);
    if (previous != null) {
      // The copy of a destroyed cache, closing: the bean now shows the new one.
      unregister(name);
    }
    register(made[0], name);
    watchers.forEach(watcher -> watcher.accept(made[0]));
    return made[0];
  }

  /** Calls {@code watcher} for every cache open now, and for every cache opened from now on. */
  public void watchCaches(Consumer<? super CacheMetricsMXBean> watcher) {
    Objects.requireNonNull(watcher, "watcher");
    watchers.add(watcher);
    caches.values().forEach(watcher);
  }

  /** The metrics of the caches open now. */
  public List<CacheMetricsMXBean> caches() {
    return List.copyOf(caches.values());
  }

  /** A cache sent a unit of work to PostgreSQL. */
  public void called(Database.Operation operation) {
    CacheMetrics cache = caches.get(operation.cacheName());
    if (cache != null) {
      cache.called(operation.name());
    }
  }

  /** Unregisters every bean; the manager is closing. */
  public void close() {
    closed = true;
    caches.values().forEach(CacheMetrics::close);
    watchers.clear();
    unregister(MBeans.metricsName(managerUri, null));
  }

  /**
   * Figures are a convenience, never a reason for a cache to fail: a bean that cannot be registered (a manager of
   * the same name in another class loader registering at the same moment, a server that refuses) is only logged.
   */
  private void register(Object bean, ObjectName name) {
    try {
      MBeans.register(bean, name);
    } catch (CacheException e) {
      LOG.log(System.Logger.Level.WARNING, () -> "pgjcache: manager " + managerUri + ": " + e.getMessage());
    }
  }

  private void unregister(ObjectName name) {
    try {
      MBeans.unregister(name);
    } catch (CacheException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "pgjcache: manager " + managerUri + ": " + e.getMessage());
    }
  }

  @Override
  public String getListenerState() {
    return listenerState().name();
  }

  public ListenerState listenerState() {
    InvalidationListener current = listener;
    if (closed) {
      return ListenerState.CLOSED;
    }
    if (current == null) {
      return listenerUnavailable ? ListenerState.UNAVAILABLE : ListenerState.NOT_STARTED;
    }
    return current.isLive() ? ListenerState.LIVE : ListenerState.DOWN;
  }

  @Override
  public long getListenerDownSince() {
    ListenerFigures.Snapshot figures = figures();
    return figures == null ? 0 : figures.downSince();
  }

  @Override
  public long getListenerReconnects() {
    ListenerFigures.Snapshot figures = figures();
    return figures == null ? 0 : figures.reconnects();
  }

  @Override
  public long getListenerDownMillis() {
    ListenerFigures.Snapshot figures = figures();
    return figures == null ? 0 : figures.downMillis();
  }

  @Override
  public int getListenerBackendPid() {
    ListenerFigures.Snapshot figures = figures();
    return figures == null ? 0 : figures.backendPid();
  }

  @Override
  public long getNotificationsReceived() {
    ListenerFigures.Snapshot figures = figures();
    return figures == null ? 0 : figures.received();
  }

  @Override
  public long getMalformedNotifications() {
    InvalidationListener current = listener;
    return current == null ? 0 : current.malformedNotifications();
  }

  @Override
  public long getNotificationLagProbes() {
    ListenerFigures.Snapshot figures = figures();
    return figures == null ? 0 : figures.lagProbes();
  }

  @Override
  public double getNotificationLagTotalMillis() {
    ListenerFigures.Snapshot figures = figures();
    return figures == null ? 0 : figures.lagTotalMillis();
  }

  @Override
  public double getNotificationLagLastMillis() {
    ListenerFigures.Snapshot figures = figures();
    return figures == null ? Double.NaN : figures.lagLastMillis();
  }

  @Override
  public double getNotificationLagMaxMillis() {
    ListenerFigures.Snapshot figures = figures();
    return figures == null ? Double.NaN : figures.lagMaxMillis();
  }

  private ListenerFigures.Snapshot figures() {
    InvalidationListener current = listener;
    return current == null ? null : current.figures();
  }

  @Override
  public int getNearCaches() {
    return (int) caches.values().stream().filter(CacheMetrics::isNearCacheEnabled).count();
  }

  @Override
  public long getExpiredEntriesSwept() {
    return swept.sum();
  }

  @Override
  public boolean isPoolOwned() {
    return poolOwned;
  }

  @Override
  public int getPoolActiveConnections() {
    return pool(HikariPoolMXBean::getActiveConnections);
  }

  @Override
  public int getPoolIdleConnections() {
    return pool(HikariPoolMXBean::getIdleConnections);
  }

  @Override
  public int getPoolTotalConnections() {
    return pool(HikariPoolMXBean::getTotalConnections);
  }

  @Override
  public int getPoolPendingThreads() {
    return pool(HikariPoolMXBean::getThreadsAwaitingConnection);
  }

  @Override
  public int getPoolMaxConnections() {
    HikariDataSource hikari = hikari();
    return hikari == null ? -1 : hikari.getMaximumPoolSize();
  }

  /** A figure of the HikariCP pool the manager runs on, or -1 when it runs on another kind of DataSource. */
  private int pool(ToIntFunction<HikariPoolMXBean> figure) {
    HikariDataSource hikari = hikari();
    HikariPoolMXBean pool = hikari == null ? null : hikari.getHikariPoolMXBean();
    return pool == null ? -1 : figure.applyAsInt(pool);
  }

  private HikariDataSource hikari() {
    if (dataSource instanceof HikariDataSource hikari) {
      return hikari;
    }
    try {
      return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
    } catch (SQLException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "ManagerMetrics[" + managerUri + "]";
  }
}
