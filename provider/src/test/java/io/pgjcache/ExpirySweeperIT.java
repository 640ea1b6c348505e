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
import javax.cache.CacheManager;
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

  /** A node that never sweeps: rows it writes stay in the table, expired, until a sweeping node opens their cache. */
  private static CacheManager writerWithoutSweeper() {
    Properties noSweeper = new Properties();
    noSweeper.setProperty("pgjcache.sweep.interval", "PT0S");
    return cluster.newNode("writer", noSweeper);
  }

  @Test
  void expiredRows_disappearFromTheTable_whileLiveRowsStay() throws Exception {
    Cache<String, String> eternal = cluster.cache("sweep-eternal",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class)).get(0);
    eternal.putAll(rows("k"));
    try (CacheManager writer = writerWithoutSweeper()) {
      Cache<String, String> written = writer.createCache("sweep-expiring", expiringAfter(100));
      written.putAll(rows("k"));
      await().atMost(5, SECONDS).pollInterval(20, MILLISECONDS).until(() -> !written.containsKey("k0"));
      assertThat(Tables.rowCount(written)).as("expired, not yet swept").isEqualTo(ROWS);

      List<Cache<String, String>> sweeping = cluster.cache("sweep-expiring", expiringAfter(100));
      await().atMost(10, SECONDS).pollInterval(50, MILLISECONDS).until(() -> Tables.rowCount(sweeping.get(0)) == 0);
    }
    assertThat(Tables.rowCount(eternal)).isEqualTo(ROWS);
  }

  @Test
  void aRowLockedByAnotherTransaction_isSkipped_andNothingWaitsForIt() throws Exception {
    try (CacheManager writer = writerWithoutSweeper()) {
      Cache<String, String> written = writer.createCache("sweep-locked", expiringAfter(100));
      written.putAll(rows("k"));
      await().atMost(5, SECONDS).pollInterval(20, MILLISECONDS).until(() -> !written.containsKey("k0"));

      try (Tables.RowLock lock = Tables.lockRow(written, "k42")) {
        List<Cache<String, String>> caches = cluster.cache("sweep-locked", expiringAfter(100));
        Cache<String, String> a = caches.get(0);
        Cache<String, String> b = caches.get(1);
        // Both nodes' sweepers remove every other row although one row of their batches is locked.
        await().atMost(10, SECONDS).pollInterval(50, MILLISECONDS).until(() -> Tables.rowCount(a) == 1);
        assertThat(Tables.hasRow(a, "k42")).isTrue();
        // And they keep sweeping without ever queueing behind the lock.
        await().during(1, SECONDS).atMost(5, SECONDS).pollInterval(50, MILLISECONDS)
            .until(() -> Tables.sessionsWaitingForLocksOn(a) == 0 && Tables.rowCount(a) == 1);
        // A sweep that waited would wait for the statement timeout (10 s).
        long removed = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
            () -> b.unwrap(PgCache.class).sweepExpired(System.currentTimeMillis(), 10, 10));
        assertThat(removed).isZero();
        // Readers and writers of the cache are not held up either.
        assertThat(b.get("k42")).isNull();
        b.put("fresh", "value");
        assertThat(a.get("fresh")).isEqualTo("value");
      }
      await().atMost(10, SECONDS).pollInterval(50, MILLISECONDS).until(() -> !Tables.hasRow(written, "k42"));
    }
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
