package io.pgjcache.spring;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pgjcache.PgCacheManager;
import io.pgjcache.management.CacheMetricsMXBean;
import io.pgjcache.management.ListenerState;
import io.pgjcache.management.ManagerMetricsMXBean;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pgjcache's own figures as Micrometer meters: per cache (tags {@code cache} and {@code cache.manager}) the
 * near cache's reads, size and evictions, round trips by operation, invalidations heard, expired entries swept and
 * group commits; per manager (tag {@code cache.manager}) the LISTEN connection and the notification lag. The
 * figures are read from the provider's metrics ({@link PgCacheManager#getMetrics()}) when a registry asks, so
 * nothing is counted twice; caches opened after start-up are bound as they open.
 *
 * <p>When the manager runs on a HikariCP pool of its own ({@code pgjcache.jdbc.url}), that pool is bound through
 * HikariCP's own Micrometer support ({@code hikaricp.connections.*}, tag {@code pool=pgjcache-...}), as Boot binds
 * the application's pool. The application's own pool, when the caches share it, is Boot's to bind.
 */
public final class PgJCacheMeterBinder implements MeterBinder {
  private static final Logger LOG = LoggerFactory.getLogger(PgJCacheMeterBinder.class);

  private final PgCacheManager manager;
  private final Tags managerTags;

  /** @param managerName the value of the {@code cache.manager} tag */
  public PgJCacheMeterBinder(javax.cache.CacheManager manager, String managerName) {
    this.manager = Objects.requireNonNull(manager, "manager").unwrap(PgCacheManager.class);
    this.managerTags = Tags.of("cache.manager", Objects.requireNonNull(managerName, "managerName"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    bindManager(registry, manager.getMetrics());
    manager.watchCacheMetrics(cache -> bindCache(registry, cache));
    bindOwnPool(registry);
  }

  private void bindManager(MeterRegistry registry, ManagerMetricsMXBean metrics) {
    Gauge.builder("pgjcache.listener.up", metrics,
            m -> ListenerState.LIVE.name().equals(m.getListenerState()) ? 1 : 0)
        .description("1 while the LISTEN connection is live; 0 while it is down (near caches bypassed) or absent")
        .tags(managerTags).register(registry);
    counter(registry, "pgjcache.listener.reconnects", metrics, ManagerMetricsMXBean::getListenerReconnects,
        "Times the LISTEN connection was opened again after it had been lost", managerTags);
    FunctionCounter.builder("pgjcache.listener.downtime", metrics, m -> m.getListenerDownMillis() / 1000.0)
        .baseUnit("seconds").description("Time the LISTEN connection has been down in all")
        .tags(managerTags).register(registry);
    counter(registry, "pgjcache.notifications.received", metrics, ManagerMetricsMXBean::getNotificationsReceived,
        "Notifications received on the invalidation and event channels", managerTags);
    counter(registry, "pgjcache.notifications.malformed", metrics, ManagerMetricsMXBean::getMalformedNotifications,
        "Notifications dropped because they did not parse", managerTags);
    FunctionTimer.builder("pgjcache.notification.lag", metrics, ManagerMetricsMXBean::getNotificationLagProbes,
            ManagerMetricsMXBean::getNotificationLagTotalMillis, TimeUnit.MILLISECONDS)
        .description("Time a probe NOTIFY takes from its commit to this node's LISTEN connection")
        .tags(managerTags).register(registry);
    TimeGauge.builder("pgjcache.notification.lag.max", metrics, TimeUnit.MILLISECONDS,
            m -> nanToZero(m.getNotificationLagMaxMillis()))
        .description("The largest notification lag a probe measured").tags(managerTags).register(registry);
    counter(registry, "pgjcache.expired.swept", metrics, ManagerMetricsMXBean::getExpiredEntriesSwept,
        "Expired entries this node's sweeper deleted", managerTags);
  }

  private void bindCache(MeterRegistry registry, CacheMetricsMXBean cache) {
    Tags tags = managerTags.and("cache", cache.getCacheName());
    String gets = "Reads of the near cache: hit (served from memory), miss (went to PostgreSQL), bypassed (went to"
        + " PostgreSQL while the LISTEN connection was down)";
    counter(registry, "pgjcache.near.gets", cache, CacheMetricsMXBean::getNearCacheHits, gets, tags.and("result",
        "hit"));
    counter(registry, "pgjcache.near.gets", cache, CacheMetricsMXBean::getNearCacheMisses, gets, tags.and("result",
        "miss"));
    counter(registry, "pgjcache.near.gets", cache, CacheMetricsMXBean::getNearCacheBypassed, gets,
        tags.and("result", "bypassed"));
    counter(registry, "pgjcache.near.evictions", cache, CacheMetricsMXBean::getNearCacheEvictions,
        "Copies the near cache dropped to stay within its bound", tags);
    Gauge.builder("pgjcache.near.size", cache, CacheMetricsMXBean::getNearCacheSize)
        .description("Copies the near cache holds").tags(tags).register(registry);
    for (String operation : cache.getDatabaseCalls().keySet()) {
      counter(registry, "pgjcache.database.calls", cache, c -> c.getDatabaseCalls().getOrDefault(operation, 0L),
          "Units of work sent to PostgreSQL (a statement, or a transaction of a few)", tags.and("operation",
              operation));
    }
    counter(registry, "pgjcache.invalidations", cache, CacheMetricsMXBean::getInvalidationsReceived,
        "Invalidations heard: keys named (scope=key), or the whole cache (scope=cache)", tags.and("scope", "key"));
    counter(registry, "pgjcache.invalidations", cache, CacheMetricsMXBean::getCacheInvalidationsReceived,
        "Invalidations heard: keys named (scope=key), or the whole cache (scope=cache)", tags.and("scope", "cache"));
    counter(registry, "pgjcache.expired.swept", cache, CacheMetricsMXBean::getExpiredEntriesSwept,
        "Expired entries this node's sweeper deleted", tags);
    counter(registry, "pgjcache.group.commits", cache, CacheMetricsMXBean::getGroupCommits,
        "Transactions that committed several callers' writes together", tags);
    counter(registry, "pgjcache.group.commit.writes", cache, CacheMetricsMXBean::getGroupCommittedWrites,
        "Writes committed in group commits", tags);
    counter(registry, "pgjcache.undecodable.entries", cache, CacheMetricsMXBean::getUndecodableEntries,
        "Stored entries the classes could not read any more, treated as misses", tags);
  }

  private static <T> void counter(MeterRegistry registry, String name, T source, ToDoubleFunction<T> count,
      String description, Iterable<Tag> tags) {
    FunctionCounter.builder(name, source, count).description(description).tags(tags).register(registry);
  }

  /** The manager's own HikariCP pool, through HikariCP's Micrometer support, unless something bound it already. */
  private void bindOwnPool(MeterRegistry registry) {
    if (!manager.getMetrics().isPoolOwned()) {
      return;
    }
    DataSource dataSource = manager.getDataSource();
    if (dataSource instanceof HikariDataSource hikari && hikari.getMetricRegistry() == null
        && hikari.getMetricsTrackerFactory() == null) {
      try {
        hikari.setMetricRegistry(registry);
      } catch (IllegalStateException e) {
        LOG.debug("pgjcache: the pool {} is bound to a metrics registry already: {}", hikari.getPoolName(),
            e.getMessage());
      }
    }
  }

  private static double nanToZero(double value) {
    return Double.isNaN(value) ? 0 : value;
  }
}
