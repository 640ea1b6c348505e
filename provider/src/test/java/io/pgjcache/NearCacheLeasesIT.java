package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.store.Sql;
import io.pgjcache.management.CacheMetricsMXBean;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.NotificationTap;
import io.pgjcache.testing.Operator;
import io.pgjcache.testing.TableLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes notify only where someone listens: a cache no node near-caches costs its writers no notification, a node
 * that near-caches it holds a lease (an advisory lock on its LISTEN connection) that makes every write notify, and no
 * near cache ever serves a change that was committed without a notification (see {@code NearCacheLeases}).
 */
class NearCacheLeasesIT {
  private static final Duration WITHIN = Duration.ofSeconds(15);
  /** The listener retries with a backoff of at most five seconds. */
  private static final Duration RECONNECTS_WITHIN = Duration.ofSeconds(20);
  private static final AtomicInteger CACHES = new AtomicInteger();
  /** The first half of the advisory lock a near-caching node holds, as the README's operator query names it. */
  private static final long NEAR_CACHERS = Integer.toUnsignedLong(-0x70676a64);

  /**
   * Node 0 writes and near-caches nothing; near-caching nodes are added by each test. No node sweeps: a sweep of a
   * table a test has locked would be one more session waiting for it than the test's own writes.
   */
  private static Cluster cluster;

  @BeforeAll
  static void startNodes() {
    cluster = Cluster.builder().nodes(1).property("pgjcache.near-cache.enabled", "false")
        .property("pgjcache.sweep.interval", "PT0S").build();
  }

  @AfterAll
  static void stopNodes() {
    cluster.close();
  }

  @Test
  void aPut_notifiesOnlyWhileSomeNodeNearCachesTheCache() throws SQLException {
    String name = newName();
    Cache<String, String> a = cluster.node(0).createCache(name, strings());
    int id = cacheId(name);
    String key = Base64.getEncoder().encodeToString(Operator.digestOf("k"));
    try (NotificationTap tap = NotificationTap.listen(cluster.dataSource(), cluster.schema())) {
      a.put("k", "v1");
      a.remove("other");
      a.putAll(Map.of("k2", "x", "k3", "y"));
      assertThat(tap.payloadsCommittedSoFar(WITHIN)).as("notifications while nobody near-caches the cache").isEmpty();
      assertThat(nearCachers(id)).isEmpty();

      try (CacheManager nodeB = nearCachingNode("b", new Properties())) {
        Cache<String, String> b = nodeB.getCache(name, String.class, String.class);
        await("B's lease, naming its LISTEN backend").atMost(WITHIN)
            .until(() -> nearCachers(id).equals(List.of(listenPidOf(nodeB))));
        assertThat(b.get("k")).isEqualTo("v1");
        NearCaching.awaitNearCached(cluster.dataSource(), b, "k");

        // A's first write since B near-caches, after silent ones: too many keys to lock row by row, so its
        // statement takes every lock first and names each key in a notification of its own (Sql.Table).
        Map<String, String> many = new HashMap<>();
        IntStream.range(0, 40).forEach(i -> many.put("m" + i, "x"));
        many.put("k", "v2");
        a.putAll(many);
        assertThat(tap.payloadsCommittedSoFar(WITHIN)).as("notifications of A's putAll while B near-caches the cache")
            .hasSize(many.size()).contains(id + " " + key);
        await("B drops its copy").atMost(WITHIN).until(() -> "v2".equals(b.get("k")));
        // That statement said it notified, so A's writes now go grouped: two keys, one notification.
        a.putAll(Map.of("m0", "y", "m1", "y"));
        assertThat(tap.payloadsCommittedSoFar(WITHIN)).as("notifications of A's next putAll").hasSize(1);

        a.put("k", "v3");
        assertThat(tap.payloadsCommittedSoFar(WITHIN)).as("notifications while B near-caches the cache")
            .containsExactly(id + " " + key);
        await("B drops its copy").atMost(WITHIN).until(() -> "v3".equals(b.get("k")));
      }
      assertThat(nearCachers(id)).as("leases once B closed").isEmpty();
      a.put("k", "v4");
      // The first write after B closed found nobody near-caching; the next leaves out what announces, and now knows
      // that the table has triggers, which it keeps quiet.
      a.put("k", "v5");
      a.put("k2", "v5");
      a.putAll(Map.of("k3", "v5", "k4", "v5"));
      assertThat(tap.payloadsCommittedSoFar(WITHIN)).as("notifications once B closed").isEmpty();
      assertThat(a.get("k4")).isEqualTo("v5");
      assertThat(a.get("k")).isEqualTo("v5");
      try (CacheManager nodeD = cluster.newNode("d-" + CACHES.incrementAndGet(), new Properties())) {
        nodeD.getCache(name, String.class, String.class).put("k", "v6");
        assertThat(tap.payloadsCommittedSoFar(WITHIN)).as("notifications of a node that opened the cache since")
            .isEmpty();
      }
      assertThat(a.get("k")).isEqualTo("v6");

      try (CacheManager nodeE = nearCachingNode("e", new Properties())) {
        nodeE.getCache(name, String.class, String.class);
        await("E's lease").atMost(WITHIN).until(() -> nearCachers(id).equals(List.of(listenPidOf(nodeE))));
        // A's first put since E near-caches, after silent ones: the statement that writes only while nobody
        // near-caches writes nothing, and the announcing one follows.
        a.put("k", "v7");
        assertThat(tap.payloadsCommittedSoFar(WITHIN)).as("notifications of A's put while E near-caches the cache")
            .containsExactly(id + " " + key);
        assertThat(a.get("k")).isEqualTo("v7");
      }
      a.put("k", "v8");
      assertThat(tap.payloadsCommittedSoFar(WITHIN)).as("notifications once E closed").isEmpty();

      try (CacheManager nodeC = nearCachingNode("c", new Properties())) {
        nodeC.getCache(name, String.class, String.class);
        await("C's lease").atMost(WITHIN).until(() -> nearCachers(id).equals(List.of(listenPidOf(nodeC))));
        // A's first write since C near-caches, after a silent one, with more keys than one notification names:
        // grouped all the same, two notifications rather than one per key.
        Map<String, String> more = new HashMap<>();
        IntStream.range(0, Sql.KEYS_PER_PAYLOAD + 1).forEach(i -> more.put("n" + i, "x"));
        a.putAll(more);
        assertThat(tap.payloadsCommittedSoFar(WITHIN)).as("notifications of A's putAll of %d keys", more.size())
            .hasSize(2);
      }
    }
  }

  /**
   * A node keeps one batch of a cache's writes in flight at a time while they notify, and several while they do not
   * (see {@code GroupCommit}).
   */
  @Test
  void concurrentPuts_goOneBatchAtATimeWhileTheyNotify_andSeveralAtOnceOtherwise() throws Exception {
    String name = newName();
    Cache<String, String> a = cluster.node(0).createCache(name, strings());
    int id = cacheId(name);
    String table = a.unwrap(PgCache.class).getTableName();
    a.put("k", "v1");
    assertThat(batchesReachingTheTable(a, table)).as("writes in flight while nobody near-caches").isEqualTo(3);

    try (CacheManager nodeB = nearCachingNode("one-at-a-time", new Properties())) {
      Cache<String, String> b = nodeB.getCache(name, String.class, String.class);
      await("B's lease").atMost(WITHIN).until(() -> nearCachers(id).equals(List.of(listenPidOf(nodeB))));
      NearCaching.awaitNearCached(cluster.dataSource(), b, "k");
      a.put("k", "v2");
      assertThat(batchesReachingTheTable(a, table)).as("writes in flight while B near-caches").isEqualTo(1);
    }
  }

  /**
   * Starts three puts of other keys while the table is locked and returns how many reached it (waited on the lock)
   * once every other one was parked behind them.
   */
  private static int batchesReachingTheTable(Cache<String, String> cache, String table) throws Exception {
    List<Thread> writers = new ArrayList<>();
    int reached;
    try (TableLock lock = TableLock.on(cluster.dataSource(), table)) {
      for (int i = 0; i < 3; i++) {
        String key = "in-flight-" + i;
        Thread writer = new Thread(() -> cache.put(key, "v"), "writer-" + i);
        writers.add(writer);
        writer.start();
      }
      await("each put waiting on the table or parked").atMost(WITHIN).until(() -> {
        long parked = writers.stream().filter(GroupCommitQueue::holds).count();
        return parked + lock.waiters() == writers.size();
      });
      reached = lock.waiters();
    }
    for (Thread writer : writers) {
      writer.join(WITHIN.toMillis());
      assertThat(writer.isAlive()).as("writer still running").isFalse();
    }
    return reached;
  }

  /**
   * A writer that asked whether the cache is near-cached before any node did, and has not committed when a node
   * arms its near cache, would commit its change unannounced: the node waits for it before it serves. Asked both
   * ways the provider's statements ask: once per statement, and with the one row a statement changed.
   */
  @ParameterizedTest(name = "asked with the row: {0}")
  @ValueSource(booleans = {false, true})
  void aNodeArmingItsNearCache_waitsForAWriterThatLookedBeforeItsLease(boolean askedWithTheRow) throws SQLException {
    String name = newName();
    Cache<String, String> a = cluster.node(0).createCache(name, strings());
    a.put("k", "old");
    int id = cacheId(name);
    String table = a.unwrap(PgCache.class).getTableName();
    // A node that near-cached the cache before left its triggers behind, so arming below has no trigger to create
    // (creating one would wait for the writer too).
    try (CacheManager earlier = nearCachingNode("earlier", new Properties())) {
      Cache<String, String> c = earlier.getCache(name, String.class, String.class);
      c.get("k");
      NearCaching.awaitNearCached(cluster.dataSource(), c, "k");
    }
    assertThat(notifyTriggers(table)).isEqualTo(4);

    try (Connection writer = cluster.dataSource().getConnection()) {
      writer.setAutoCommit(false);
      // What the provider's own write statements do: ask, then write, with the triggers told to stay quiet.
      try (Statement statement = writer.createStatement();
          ResultSet rs = statement.executeQuery("SELECT "
              + (askedWithTheRow ? "coalesce(" + Sql.whenNearCached(id, "true") + ", false)" : Sql.nearCached(id))
              + " FROM set_config('pgjcache.notified', 'on', true)")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("near-cached before B opens the cache").isFalse();
      }
      try (PreparedStatement update = writer.prepareStatement(
          "UPDATE " + table + " SET value_bytes = ?, version = version + 1 WHERE key_digest = ?")) {
        update.setBytes(1, Operator.encoded("new"));
        update.setBytes(2, Operator.rowKeyOf("k"));
        assertThat(update.executeUpdate()).isEqualTo(1);
      }

      Properties shortWait = new Properties();
      shortWait.setProperty("pgjcache.connection-timeout", "PT1S");
      try (CacheManager nodeB = nearCachingNode("window", shortWait)) {
        // Opening waits a moment for the near cache to serve; it cannot while the writer holds on.
        Cache<String, String> b = nodeB.getCache(name, String.class, String.class);
        CacheMetricsMXBean metrics = b.unwrap(PgCache.class).getMetrics();
        await("B's lease is taken").atMost(WITHIN).until(() -> nearCachers(id).equals(List.of(listenPidOf(nodeB))));
        for (int i = 0; i < 3; i++) {
          long bypassed = metrics.getNearCacheBypassed();
          assertThat(b.get("k")).isEqualTo("old");
          assertThat(metrics.getNearCacheBypassed()).as("reads bypass B's near cache while the writer is open")
              .isEqualTo(bypassed + 1);
        }
        assertThat(metrics.getNearCacheHits()).isZero();

        writer.commit();
        await("B's near cache serves once the writer committed").atMost(WITHIN).until(() -> {
          long bypassed = metrics.getNearCacheBypassed();
          b.get("k");
          return metrics.getNearCacheBypassed() == bypassed;
        });
        assertThat(b.get("k")).isEqualTo("new");
        NearCaching.awaitNearCached(cluster.dataSource(), b, "k");
        try (TableLock lock = TableLock.on(cluster.dataSource(), table)) {
          assertThat(lock.fromMemory("B's near copy", () -> b.get("k"))).isEqualTo("new");
        }
      }
    }
  }

  /**
   * A cache nobody near-caches has no notify triggers (they would cost every write); the first node to near-cache it
   * creates them, waiting for another writer's transaction that is under way, and from then on every other writer's
   * change reaches it.
   */
  @Test
  void anotherWritersChanges_areAnnouncedOnceANodeNearCaches_evenOneUnderWayWhenItArrives() throws SQLException {
    String name = newName();
    Cache<String, String> a = cluster.node(0).createCache(name, strings());
    a.put("k", "old");
    String table = a.unwrap(PgCache.class).getTableName();
    assertThat(notifyTriggers(table)).as("triggers while nobody near-caches the cache").isZero();

    try (Connection operator = cluster.dataSource().getConnection()) {
      operator.setAutoCommit(false);
      updateByHand(operator, table, "k", "new");

      try (CacheManager nodeB = nearCachingNode("triggers", new Properties())) {
        Cache<String, String> b = nodeB.getCache(name, String.class, String.class);
        CacheMetricsMXBean metrics = b.unwrap(PgCache.class).getMetrics();
        for (int i = 0; i < 3; i++) {
          long bypassed = metrics.getNearCacheBypassed();
          assertThat(b.get("k")).isEqualTo("old");
          assertThat(metrics.getNearCacheBypassed()).as("reads bypass B's near cache while the operator writes")
              .isEqualTo(bypassed + 1);
        }

        operator.commit();
        await("B's near cache serves once the operator committed").atMost(WITHIN).until(() -> {
          long bypassed = metrics.getNearCacheBypassed();
          b.get("k");
          return metrics.getNearCacheBypassed() == bypassed;
        });
        assertThat(notifyTriggers(table)).as("triggers once B near-caches the cache").isEqualTo(4);
        assertThat(b.get("k")).isEqualTo("new");
        NearCaching.awaitNearCached(cluster.dataSource(), b, "k");

        updateByHand(operator, table, "k", "newer");
        operator.commit();
        await("B hears the operator's change").atMost(WITHIN).until(() -> "newer".equals(b.get("k")));
      }
    }
  }

  @Test
  void afterItsListenConnectionIsLost_aNodeTakesItsLeaseAgain() throws SQLException {
    String name = newName();
    Cache<String, String> a = cluster.node(0).createCache(name, strings());
    a.put("k", "v1");
    int id = cacheId(name);

    try (CacheManager nodeB = nearCachingNode("reconnecting", new Properties());
        NotificationTap tap = NotificationTap.listen(cluster.dataSource(), cluster.schema())) {
      Cache<String, String> b = nodeB.getCache(name, String.class, String.class);
      int first = listenPidOf(nodeB);
      await("B's lease taken").atMost(WITHIN).until(() -> nearCachers(id).equals(List.of(first)));

      cluster.execute("SELECT pg_terminate_backend(" + first + ")");
      await("B takes its lease again with its new LISTEN backend").atMost(RECONNECTS_WITHIN).until(() -> {
        int now = listenPidOf(nodeB);
        return now != 0 && now != first && nearCachers(id).equals(List.of(now));
      });
      NearCaching.awaitNearCached(cluster.dataSource(), b, "k");
      tap.payloadsCommittedSoFar(WITHIN);
      a.put("k", "v2");
      assertThat(tap.payloadsCommittedSoFar(WITHIN)).as("notifications after B reconnected")
          .containsExactly(id + " " + Base64.getEncoder().encodeToString(Operator.digestOf("k")));
      await("B drops its copy").atMost(WITHIN).until(() -> "v2".equals(b.get("k")));
    }
  }

  /** A node of the cluster that near-caches, with some settings of its own; the caller closes it. */
  private static CacheManager nearCachingNode(String name, Properties settings) {
    Properties own = new Properties();
    own.putAll(settings);
    own.setProperty("pgjcache.near-cache.enabled", "true");
    return cluster.newNode(name + "-" + CACHES.incrementAndGet(), own);
  }

  private static int listenPidOf(CacheManager node) {
    return node.unwrap(PgCacheManager.class).getMetrics().getListenerBackendPid();
  }

  /** The backends holding the cache's near-cachers lock (the LISTEN connections of near-caching nodes), lowest first. */
  private static List<Integer> nearCachers(int cacheId) throws SQLException {
    try (Connection connection = cluster.dataSource().getConnection();
        PreparedStatement select = connection.prepareStatement("SELECT pid FROM pg_locks WHERE locktype = 'advisory'"
            + " AND classid = ?::oid AND objid = ?::oid AND objsubid = 2 AND granted ORDER BY pid")) {
      select.setLong(1, NEAR_CACHERS);
      select.setLong(2, cacheId);
      List<Integer> pids = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          pids.add(rs.getInt(1));
        }
      }
      return pids;
    }
  }

  /** Updates a cache's row the way an operator would, in the connection's open transaction. */
  private static void updateByHand(Connection connection, String table, String key, String value)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE " + table + " SET value_bytes = ?, version = version + 1 WHERE key_digest = ?")) {
      update.setBytes(1, Operator.encoded(value));
      update.setBytes(2, Operator.rowKeyOf(key));
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  private static int notifyTriggers(String table) throws SQLException {
    try (Connection connection = cluster.dataSource().getConnection();
        PreparedStatement select = connection.prepareStatement(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = ?::regclass AND tgname LIKE 'notify\\_%'")) {
      select.setString(1, table);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static int cacheId(String cacheName) throws SQLException {
    try (Connection connection = cluster.dataSource().getConnection();
        PreparedStatement select = connection.prepareStatement(
            "SELECT id FROM \"" + cluster.schema() + "\".caches WHERE name = ?")) {
      select.setString(1, cacheName);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static String newName() {
    return "leased-" + CACHES.incrementAndGet();
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }
}
