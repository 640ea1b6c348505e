package io.pgjcache;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Tables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The background sweeper deletes expired rows in small batches, on every node, without waiting on locked rows. */
class ExpirySweeperIT {
  private static final int ROWS = 100;

  private static Cluster cluster;

  @BeforeAll
  static void start() {
    Properties fastSweeps = new Properties();
    fastSweeps.setProperty("pgjcache.sweep.interval", "PT0.2S");
    fastSweeps.setProperty("pgjcache.sweep.batch-size", "10");
    cluster = Cluster.of(2, fastSweeps);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static MutableConfiguration<String, String> expiringAfter(long millis) {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(MILLISECONDS, millis)));
  }

  private static Map<String, String> rows(String prefix) {
    Map<String, String> rows = new LinkedHashMap<>();
    for (int i = 0; i < ROWS; i++) {
      rows.put(prefix + i, "v" + i);
    }
    return rows;
  }

  @Test
  void expiredRows_disappearFromTheTable_whileLiveRowsStay() {
    Cache<String, String> expiring = cluster.cache("sweep-expiring", expiringAfter(100)).get(0);
    Cache<String, String> eternal = cluster.cache("sweep-eternal",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class)).get(0);
    expiring.putAll(rows("k"));
    eternal.putAll(rows("k"));
    assertThat(Tables.rowCount(expiring)).isEqualTo(ROWS);

    await().atMost(10, SECONDS).pollInterval(50, MILLISECONDS).until(() -> Tables.rowCount(expiring) == 0);
    assertThat(Tables.rowCount(eternal)).isEqualTo(ROWS);
  }

  @Test
  void aRowLockedByAnotherTransaction_isSkipped_andNothingWaitsForIt() throws Exception {
    List<Cache<String, String>> caches = cluster.cache("sweep-locked", expiringAfter(300));
    Cache<String, String> a = caches.get(0);
    Cache<String, String> b = caches.get(1);
    a.putAll(rows("k"));

    try (Tables.RowLock lock = Tables.lockRow(a, "k42")) {
      // Both nodes' sweepers remove every other row although one row of their batches is locked.
      await().atMost(10, SECONDS).pollInterval(50, MILLISECONDS).until(() -> Tables.rowCount(a) == 1);
      assertThat(Tables.hasRow(a, "k42")).isTrue();
      // And they keep sweeping without ever queueing behind the lock.
      await().during(1, SECONDS).atMost(3, SECONDS).pollInterval(50, MILLISECONDS)
          .until(() -> Tables.sessionsWaitingForLocksOn(a) == 0 && Tables.rowCount(a) == 1);
      long removed = assertTimeoutPreemptively(java.time.Duration.ofSeconds(2),
          () -> b.unwrap(PgCache.class).sweepExpired(System.currentTimeMillis(), 10, 10));
      assertThat(removed).isZero();
      // Readers and writers of the cache are not held up either.
      assertThat(b.get("k42")).isNull();
      b.put("fresh", "value");
      assertThat(a.get("fresh")).isEqualTo("value");
    }
    await().atMost(10, SECONDS).pollInterval(50, MILLISECONDS).until(() -> !Tables.hasRow(a, "k42"));
  }

  @Test
  void aNodeWhoseCacheAnotherNodeDestroyed_stopsSweepingIt_andClosesItsCopy() {
    List<Cache<String, String>> caches = cluster.cache("sweep-destroyed", expiringAfter(100));
    caches.get(1).put("k", "v");
    cluster.node(0).destroyCache("sweep-destroyed");
    // The second node's sweeper finds the table gone, sees in the registry that the cache was
    // destroyed, and closes its copy instead of failing (and warning) on every round.
    await().atMost(5, SECONDS).pollInterval(50, MILLISECONDS).until(() -> caches.get(1).isClosed());
    assertThat(cluster.node(1).getCacheNames()).doesNotContain("sweep-destroyed");
  }

  @Test
  void sweeping_firesExpiredEvents() {
    AtomicInteger expired = new AtomicInteger();
    CacheEntryExpiredListener<String, String> listener = events -> events.forEach(event -> {
      assertThat(event.getKey()).startsWith("k");
      expired.incrementAndGet();
    });
    // On one node only: its sweeper is the one that removes the rows and so fires the events.
    Cache<String, String> cache = cluster.node(0).createCache("sweep-events", expiringAfter(100)
        .addCacheEntryListenerConfiguration(
            new MutableCacheEntryListenerConfiguration<>(() -> listener, null, false, true)));
    cache.putAll(rows("k"));
    await().atMost(10, SECONDS).pollInterval(50, MILLISECONDS).until(() -> expired.get() == ROWS);
    assertThat(Tables.rowCount(cache)).isZero();
  }
}
