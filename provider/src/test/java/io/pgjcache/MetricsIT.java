package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.management.MBeans;
import io.pgjcache.internal.store.Identifiers;
import io.pgjcache.management.CacheMetricsMXBean;
import io.pgjcache.management.ListenerState;
import io.pgjcache.management.ManagerMetricsMXBean;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.Tables;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pgjcache's own figures move as the caches work: near-cache reads, round trips by operation, invalidations heard,
 * sweeper deletions, the LISTEN connection's outages and its lag probes, and they are readable as MBeans under the
 * {@code pgjcache} domain, without any monitoring library.
 */
class MetricsIT {
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  private Cluster cluster;

  @BeforeEach
  void start() {
    // No sweeper running on its own: the test sweeps when it wants to count what was swept.
    Properties noSweeper = new Properties();
    noSweeper.setProperty("pgjcache.sweep.interval", "PT0S");
    cluster = Cluster.of(2, noSweeper);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  private static CacheMetricsMXBean metricsOf(Cache<?, ?> cache) {
    return cache.unwrap(PgCache.class).getMetrics();
  }

  private static ManagerMetricsMXBean metricsOf(CacheManager manager) {
    return manager.unwrap(PgCacheManager.class).getMetrics();
  }

  @Test
  void nearCacheReads_andRoundTripsByOperation_areCounted() {
    List<Cache<String, String>> caches = cluster.cache("metrics-reads", strings());
    Cache<String, String> a = caches.get(0);
    CacheMetricsMXBean figures = metricsOf(a);
    assertThat(figures.isNearCacheEnabled()).isTrue();

    a.put("k", "v");
    long putCalls = figures.getDatabaseCalls().get("put");
    assertThat(putCalls).isEqualTo(1);
    NearCaching.awaitNearCached(cluster.dataSource(), a, "k");
    long hits = figures.getNearCacheHits();
    long gets = figures.getDatabaseCalls().get("get");

    for (int i = 0; i < 10; i++) {
      assertThat(a.get("k")).isEqualTo("v");
    }
    assertThat(figures.getNearCacheHits()).isEqualTo(hits + 10);
    assertThat(figures.getDatabaseCalls().get("get")).as("hits cost no round trip").isEqualTo(gets);
    assertThat(figures.getNearCacheSize()).isEqualTo(1);

    long misses = figures.getNearCacheMisses();
    assertThat(a.get("absent")).isNull();
    assertThat(figures.getNearCacheMisses()).isEqualTo(misses + 1);
    assertThat(figures.getDatabaseCalls().get("get")).isEqualTo(gets + 1);
    assertThat(figures.getDatabaseCalls().get("put")).isEqualTo(putCalls);
  }

  @Test
  void aBoundedNearCache_countsItsEvictions() {
    Properties small = new Properties();
    small.setProperty("pgjcache.cache.metrics-small.near-cache-max-entries", "5");
    try (CacheManager node = cluster.newNode("small", small)) {
      Cache<String, String> cache = node.createCache("metrics-small", strings());
      for (int i = 0; i < 50; i++) {
        cache.put("k" + i, "v");
      }
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 50; i++) {
          cache.get("k" + i);
        }
      }
      CacheMetricsMXBean figures = metricsOf(cache);
      assertThat(figures.getNearCacheEvictions()).isPositive();
      assertThat(figures.getNearCacheSize()).isLessThanOrEqualTo(5);
    }
  }

  @Test
  void invalidationsFromAnotherNode_areCountedWhereTheyAreHeard() {
    List<Cache<String, String>> caches = cluster.cache("metrics-invalidations", strings());
    CacheMetricsMXBean heard = metricsOf(caches.get(0));
    ManagerMetricsMXBean node = metricsOf(cluster.node(0));
    long notifications = node.getNotificationsReceived();

    caches.get(1).put("k1", "v");
    caches.get(1).put("k2", "v");
    // An operator's TRUNCATE says "anything may have changed" (a clear names the keys it deleted).
    cluster.execute("TRUNCATE " + Tables.tableName(caches.get(1)));

    await().atMost(WITHIN).untilAsserted(() -> {
      assertThat(heard.getInvalidationsReceived()).isGreaterThanOrEqualTo(2);
      assertThat(heard.getCacheInvalidationsReceived()).isEqualTo(1);
    });
    assertThat(node.getNotificationsReceived()).isGreaterThanOrEqualTo(notifications + 3);
  }

  @Test
  void malformedNotifications_areCounted() {
    cluster.cache("metrics-malformed", strings());
    ManagerMetricsMXBean node = metricsOf(cluster.node(0));
    long before = node.getMalformedNotifications();

    cluster.execute("SELECT pg_notify(" + channelLiteral() + ", 'not a payload')");

    await().atMost(WITHIN).until(() -> node.getMalformedNotifications() == before + 1);
  }

  private String channelLiteral() {
    return "'" + Identifiers.channel(cluster.schema()).replace("'", "''") + "'";
  }

  @Test
  void sweptEntries_areCounted_perCacheAndPerManager() {
    Cache<String, String> cache = cluster.cache("metrics-sweep", strings()).get(0);
    for (int i = 0; i < 12; i++) {
      cache.put("k" + i, "v");
    }
    cluster.execute("UPDATE " + Tables.tableName(cache) + " SET expires_at = 1 WHERE key_digest IN (SELECT"
        + " key_digest FROM " + Tables.tableName(cache) + " ORDER BY key_digest LIMIT 5)");
    ManagerMetricsMXBean node = metricsOf(cluster.node(0));
    long before = node.getExpiredEntriesSwept();

    cache.unwrap(PgCache.class).sweepExpired(System.currentTimeMillis(), 100, 10);

    assertThat(metricsOf(cache).getExpiredEntriesSwept()).isEqualTo(5);
    assertThat(node.getExpiredEntriesSwept()).isEqualTo(before + 5);
    assertThat(metricsOf(cache).getDatabaseCalls().get("sweep")).isPositive();
  }

  @Test
  void theListenConnection_reportsItsOutage_reconnects_andLag() {
    cluster.cache("metrics-listener", strings());
    ManagerMetricsMXBean node = metricsOf(cluster.node(0));
    await().atMost(WITHIN).until(() -> node.getListenerState().equals(ListenerState.LIVE.name()));
    assertThat(node.getListenerDownSince()).isZero();
    assertThat(node.getNearCaches()).isEqualTo(1);
    int pid = node.getListenerBackendPid();
    assertThat(pid).isPositive();
    long reconnects = node.getListenerReconnects();
    long downMillis = node.getListenerDownMillis();

    cluster.execute("SELECT pg_terminate_backend(" + pid + ")");

    await().atMost(WITHIN).until(() -> node.getListenerReconnects() == reconnects + 1);
    await().atMost(WITHIN).until(() -> node.getListenerState().equals(ListenerState.LIVE.name()));
    assertThat(node.getListenerBackendPid()).isNotEqualTo(pid).isPositive();
    assertThat(node.getListenerDownMillis()).isGreaterThanOrEqualTo(downMillis);

    // A probe goes out after each idle period (five seconds) and comes back through PostgreSQL's queue.
    await().atMost(WITHIN).until(() -> node.getNotificationLagProbes() > 0);
    assertThat(node.getNotificationLagLastMillis()).isPositive().isLessThan(WITHIN.toMillis());
    assertThat(node.getNotificationLagMaxMillis()).isGreaterThanOrEqualTo(node.getNotificationLagLastMillis());
    assertThat(node.getNotificationLagTotalMillis()).isGreaterThanOrEqualTo(node.getNotificationLagMaxMillis());
    assertThat(node.getMalformedNotifications()).as("probes are not taken for other nodes' payloads").isZero();
  }

  @Test
  void aManagerWithoutNearCaches_hasNoListener_andItsOwnPoolIsReported() {
    ManagerMetricsMXBean node = metricsOf(cluster.node(0));
    assertThat(node.getListenerState()).isEqualTo(ListenerState.NOT_STARTED.name());
    assertThat(node.isPoolOwned()).isTrue();
    assertThat(node.getPoolMaxConnections()).isPositive();
    assertThat(node.getPoolTotalConnections()).isBetween(0, node.getPoolMaxConnections());
    assertThat(node.getPoolActiveConnections()).isZero();
    assertThat(node.getPoolPendingThreads()).isZero();
  }

  @Test
  void figuresAreMBeans_underThePgjcacheDomain_withQuotedCacheNames() throws Exception {
    String name = "metrics,j=x";
    Cache<String, String> cache = cluster.cache(name, strings()).get(0);
    cache.put("k", "v");
    CacheManager node = cluster.node(0);
    ObjectName cacheBean = MBeans.metricsName(node.getURI(), name);
    ObjectName managerBean = MBeans.metricsName(node.getURI(), null);
    assertThat(cacheBean.getDomain()).isEqualTo("pgjcache");
    assertThat(cacheBean.getKeyProperty("Cache")).isEqualTo(ObjectName.quote(name));
    assertThat(server.isRegistered(cacheBean)).isTrue();
    assertThat(server.isRegistered(managerBean)).isTrue();

    assertThat(server.getAttribute(cacheBean, "NearCacheEnabled")).isEqualTo(true);
    TabularData calls = (TabularData) server.getAttribute(cacheBean, "DatabaseCalls");
    List<Object> putCalls = new ArrayList<>();
    for (Object row : calls.values()) {
      CompositeData entry = (CompositeData) row;
      if (entry.get("key").equals("put")) {
        putCalls.add(entry.get("value"));
      }
    }
    assertThat(putCalls).containsExactly(1L);
    assertThat(server.getAttribute(managerBean, "ListenerState")).isEqualTo(ListenerState.LIVE.name());
    assertThat(CacheMetricsMXBean.OPERATIONS).containsAll(metricsOf(cache).getDatabaseCalls().keySet());

    node.destroyCache(name);
    assertThat(server.isRegistered(cacheBean)).isFalse();
    node.close();
    assertThat(server.isRegistered(managerBean)).isFalse();
  }

  @Test
  void watchers_seeTheCachesOpenNow_andThoseOpenedLater() {
    Cache<String, String> early = cluster.node(0).createCache("metrics-early", strings());
    List<String> seen = new ArrayList<>();
    cluster.node(0).unwrap(PgCacheManager.class).watchCacheMetrics(figures -> seen.add(figures.getCacheName()));
    assertThat(seen).containsExactly(early.getName());

    cluster.node(0).createCache("metrics-late", strings());

    assertThat(seen).containsExactly("metrics-early", "metrics-late");
    Map<String, Long> calls = metricsOf(early).getDatabaseCalls();
    assertThat(calls.keySet()).containsExactlyElementsOf(CacheMetricsMXBean.OPERATIONS);
  }
}
