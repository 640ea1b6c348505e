package io.pgjcache.spring;

import io.pgjcache.PgCacheManager;
import io.pgjcache.management.ListenerState;
import io.pgjcache.management.ManagerMetricsMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@code pgjcache} health contributor reports, whichever Spring Boot line shows it: one {@code SELECT 1}
 * on the cache manager's DataSource (DOWN when it fails), then the LISTEN connection's state and the pool's
 * figures, read from the manager's metrics without another round trip.
 *
 * <p>A LISTEN connection that is down is not DOWN: every cache operation still works and stays correct, only the
 * near caches are bypassed (reads cost a round trip) until it is back. Boot's own indicators and the ones Boot users
 * know from Redis or Hazelcast speak only UP and DOWN, and a status Boot does not know would also need its order and
 * HTTP code configured, or it would turn the application's aggregate status into one that no load balancer or
 * probe expects. So that state is reported UP with {@code listener: DOWN} and {@code nearCaches: bypassed} in the
 * details, unless {@code pgjcache.health.listener-down-status} names another status (a custom
 * {@code DEGRADED}, say, or {@code OUT_OF_SERVICE}).
 */
final class CacheHealth {
  /** How long the one statement may run. */
  static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);

  /** The three states the contributor tells apart. */
  enum Level { UP, LISTENER_DOWN, DOWN }

  /** One check: its level, the details to show, and the failure that made it DOWN (else null). */
  record Report(Level level, Map<String, Object> details, Exception failure) {
  }

  private final PgCacheManager manager;

  CacheHealth(javax.cache.CacheManager manager) {
    this.manager = Objects.requireNonNull(manager, "manager").unwrap(PgCacheManager.class);
  }

  Report check() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("cacheManager", manager.getURI().toString());
    try (Connection connection = manager.getDataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout((int) STATEMENT_TIMEOUT.toSeconds());
      statement.execute("SELECT 1");
    } catch (SQLException | RuntimeException e) {
      describe(details);
      return new Report(Level.DOWN, details, e);
    }
    ListenerState listener = describe(details);
    return new Report(listener == ListenerState.DOWN ? Level.LISTENER_DOWN : Level.UP, details, null);
  }

  /** Adds the listener's and the pool's figures; returns the listener's state. */
  private ListenerState describe(Map<String, Object> details) {
    ManagerMetricsMXBean metrics = manager.getMetrics();
    ListenerState listener = ListenerState.valueOf(metrics.getListenerState());
    details.put("listener", listener.name());
    int nearCaches = metrics.getNearCaches();
    details.put("nearCaches", nearCaches == 0 ? "none" : listener == ListenerState.DOWN ? "bypassed" : "serving");
    if (listener == ListenerState.DOWN) {
      details.put("listenerDownSince", Instant.ofEpochMilli(metrics.getListenerDownSince()).toString());
    }
    details.put("listenerReconnects", metrics.getListenerReconnects());
    if (metrics.getNotificationLagProbes() > 0) {
      details.put("notificationLagMillis", metrics.getNotificationLagLastMillis());
    }
    if (metrics.getPoolMaxConnections() >= 0) {
      Map<String, Object> pool = new LinkedHashMap<>();
      pool.put("owned", metrics.isPoolOwned());
      pool.put("active", metrics.getPoolActiveConnections());
      pool.put("idle", metrics.getPoolIdleConnections());
      pool.put("total", metrics.getPoolTotalConnections());
      pool.put("max", metrics.getPoolMaxConnections());
      pool.put("pending", metrics.getPoolPendingThreads());
      details.put("pool", pool);
    }
    return listener;
  }
}
