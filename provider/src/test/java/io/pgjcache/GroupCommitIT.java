package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgjcache.management.CacheMetricsMXBean;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.NotificationTap;
import io.pgjcache.testing.Operator;
import io.pgjcache.testing.PrivatePostgres;
import io.pgjcache.testing.TableLock;
import io.pgjcache.testing.Throwables;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write path of a plain cache against PostgreSQL: concurrent writes of one node commit together and are
 * announced together; a statement changing many keys names each of them, so other nodes keep their copies of
 * every other key; grouped writes fail fast, each with the cause, while the database is down.
 */
class GroupCommitIT {
  private static final Duration WITHIN = Duration.ofSeconds(15);
  private static final int WRITERS = 8;
  private static final AtomicInteger CACHES = new AtomicInteger();

  private static Cluster cluster;

  @TempDir
  Path dataDirectory;

  @BeforeAll
  static void startNodes() {
    // No sweeper: a sweep of a table a test has locked would be one more session waiting for it than the writes.
    cluster = Cluster.builder().nodes(2).property("pgjcache.sweep.interval", "PT0S").build();
  }

  @AfterAll
  static void stopNodes() {
    cluster.close();
  }

  @Test
  void putsMadeWhileAWriteIsInFlight_commitTogether_announcedByOneNotification() throws Exception {
    List<Cache<String, String>> nodes = cluster.cache(newName(), strings());
    Cache<String, String> writer = nodes.get(0);
    String id = cacheId(writer.getName());
    List<String> keys = IntStream.range(0, WRITERS + 1).mapToObj(i -> "key" + i).toList();
    Map<String, String> names = new LinkedHashMap<>();
    keys.forEach(key -> names.put(Base64.getEncoder().encodeToString(Operator.digestOf(key)), key));
    writesNotify(nodes);

    List<Thread> threads = new ArrayList<>();
    try (NotificationTap tap = NotificationTap.listen(cluster.dataSource(0), cluster.schema())) {
      try (TableLock lock = TableLock.on(cluster.dataSource(0), table(nodes))) {
        // One put goes to PostgreSQL and waits on the lock; every other one waits for it, parked.
        String first = keys.get(0);
        threads.add(startWriter(() -> writer.put(first, "value-" + first), "in-flight"));
        await("a write waiting on the table lock").atMost(WITHIN).until(() -> lock.waiters() == 1);
        for (String key : keys.subList(1, keys.size())) {
          threads.add(startWriter(() -> writer.put(key, "value-" + key), "grouped-writer-" + key));
        }
        awaitParked(threads, WRITERS);
      }
      for (Thread thread : threads) {
        thread.join(WITHIN.toMillis());
        assertThat(thread.isAlive()).as("writer still running").isFalse();
      }
      Set<String> heard = new HashSet<>();
      int notifications = 0;
      while (heard.size() < keys.size()) {
        List<String> payloads = tap.payloadsUntil(id + " ", WITHIN);
        String payload = payloads.get(payloads.size() - 1);
        notifications++;
        for (String digest : payload.substring(id.length() + 1).split(" ")) {
          heard.add(names.get(digest));
        }
      }
      assertThat(heard).containsExactlyInAnyOrderElementsOf(keys);
      // The write in flight, then the others in one batch.
      assertThat(notifications).as("notifications announcing " + keys.size() + " puts").isEqualTo(2);
    }
    CacheMetricsMXBean metrics = writer.unwrap(PgCache.class).getMetrics();
    assertThat(metrics.getGroupCommits()).as("group commits counted").isPositive();
    assertThat(metrics.getLargestGroupCommit()).as("largest group commit").isEqualTo(WRITERS);
    for (String key : keys) {
      assertThat(nodes.get(1).get(key)).isEqualTo("value-" + key);
    }
  }

  @Test
  void putsOfOneKeyQueuedBehindAWrite_commitInOneBatch_andTheLastCalledWins() throws Exception {
    List<Cache<String, String>> nodes = cluster.cache(newName(), strings());
    Cache<String, String> writer = nodes.get(0);
    nodes.get(1).put("hot", "before");
    assertThat(nodes.get(1).get("hot")).isEqualTo("before");
    writesNotify(nodes);
    List<Thread> threads = new ArrayList<>();
    try (TableLock lock = TableLock.on(cluster.dataSource(0), table(nodes))) {
      // A write in flight waits on the lock; then three puts of one key queue, one after another.
      threads.add(startWriter(() -> writer.put("a", "a"), "in-flight"));
      await("a write waiting on the table lock").atMost(WITHIN).until(() -> lock.waiters() == 1);
      for (int i = 1; i <= 3; i++) {
        String value = "value-" + i;
        threads.add(startWriter(() -> writer.put("hot", value), "hot-writer-" + i));
        awaitParked(threads, i);
      }
    }
    for (Thread thread : threads) {
      thread.join(WITHIN.toMillis());
      assertThat(thread.isAlive()).as("writer still running").isFalse();
    }
    CacheMetricsMXBean metrics = writer.unwrap(PgCache.class).getMetrics();
    assertThat(metrics.getLargestGroupCommit()).as("the three puts of one key went together").isEqualTo(3);
    await("node 1 heard the puts").atMost(WITHIN).untilAsserted(() ->
        assertThat(nodes.get(1).get("hot")).isEqualTo("value-3"));
    assertThat(writer.get("hot")).isEqualTo("value-3");
  }

  /**
   * Node 1 near-caches the cache, and node 0 has seen one of its writes notify: from then on node 0 keeps one batch
   * in flight at a time (while its writes notify nobody, it keeps several).
   */
  private static void writesNotify(List<Cache<String, String>> nodes) {
    nodes.get(0).put("near-cached", "v");
    NearCaching.awaitNearCached(cluster.dataSource(0), nodes.get(1), "near-cached");
    nodes.get(0).put("near-cached", "v2");
  }

  private static Thread startWriter(Runnable write, String name) {
    Thread thread = new Thread(write, name);
    thread.start();
    return thread;
  }

  /** Waits until {@code count} writers are queued behind the write in flight (see {@link GroupCommitQueue}). */
  private static void awaitParked(List<Thread> threads, int count) {
    await(count + " writers parked behind the writes in flight").atMost(WITHIN).until(() ->
        threads.stream().filter(GroupCommitQueue::holds).count() == count);
  }

  @Test
  void putAllOfManyKeys_invalidatesEachOnOtherNodes_andLeavesTheirCopiesOfOtherKeys() {
    assertBulkChangeKeepsOtherCopies(writer -> writer.putAll(values(1_000, "new")), "new");
  }

  @Test
  void removeAllOfManyKeys_invalidatesEachOnOtherNodes_andLeavesTheirCopiesOfOtherKeys() {
    assertBulkChangeKeepsOtherCopies(writer -> writer.removeAll(values(1_000, "new").keySet()), null);
  }

  @Test
  void groupedWrites_failFastWithTheCause_whileTheDatabaseIsDown_andWorkOnceItIsBack() {
    try (PrivatePostgres server = PrivatePostgres.start(dataDirectory);
        CacheManager manager = manager(server)) {
      Cache<String, String> cache = manager.createCache("grouped-outage", strings());
      cache.put("k", "v");
      server.stop();

      List<CompletableFuture<Throwable>> attempts = IntStream.range(0, WRITERS)
          .mapToObj(i -> CompletableFuture.supplyAsync(() -> catchThrowable(() -> {
            if (i % 2 == 0) {
              cache.put("k" + i, "v");
            } else {
              cache.remove("k" + i);
            }
          }))).toList();
      List<Throwable> thrown = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> attempts.stream().map(CompletableFuture::join).toList(), "grouped writes hung");

      assertThat(thrown).allSatisfy(e -> {
        assertThat(e).isInstanceOf(CacheException.class).hasMessageContaining("database unavailable");
        assertThat(Throwables.chain(e)).anySatisfy(cause -> assertThat(cause).isInstanceOf(SQLException.class));
      });
      server.start();
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
        cache.put("k", "again");
        return true;
      });
      assertThat(cache.get("k")).isEqualTo("again");
    }
  }

  // ---- support ---------------------------------------------------------------------------------

  /**
   * Node B holds copies of 1,000 keys and of one other key; node A changes the 1,000 in one call. B must show the
   * change for every one of them, and still serve the other key from memory.
   */
  private static void assertBulkChangeKeepsOtherCopies(Consumer<Cache<String, String>> change, String expected) {
    List<Cache<String, String>> nodes = cluster.cache(newName(), strings());
    Map<String, String> old = values(1_000, "old");
    nodes.get(0).putAll(old);
    nodes.get(0).put("other", "kept");
    List<String> watched = new ArrayList<>(old.keySet());
    watched.add("other");
    NearCaching.awaitNearCached(cluster.dataSource(0), nodes.subList(1, 2), watched);

    change.accept(nodes.get(0));

    Cache<String, String> other = nodes.get(1);
    await("every changed key shows the change on node B").atMost(WITHIN).untilAsserted(() -> {
      for (String key : old.keySet()) {
        assertThat(other.get(key)).as(key).isEqualTo(expected == null ? null : expected + key.substring(3));
      }
    });
    try (TableLock lock = TableLock.on(cluster.dataSource(0), table(nodes))) {
      assertThat(lock.fromMemory("node B's copy of a key nobody changed", () -> other.get("other")))
          .isEqualTo("kept");
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** key1 ... keyN with values prefix1 ... prefixN. */
  private static Map<String, String> values(int count, String prefix) {
    Map<String, String> values = new LinkedHashMap<>();
    IntStream.rangeClosed(1, count).forEach(i -> values.put("key" + i, prefix + i));
    return values;
  }

  private static CacheManager manager(PrivatePostgres server) {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.jdbc.url", server.jdbcUrl());
    properties.setProperty("pgjcache.jdbc.user", "postgres");
    properties.setProperty("pgjcache.connection-timeout", "PT1S");
    properties.setProperty("pgjcache.statement-timeout", "PT2S");
    return Cluster.provider().getCacheManager(URI.create("test:grouped-outage"), GroupCommitIT.class.getClassLoader(),
        properties);
  }

  private static String cacheId(String cacheName) throws SQLException {
    try (Connection connection = cluster.dataSource(0).getConnection();
        PreparedStatement select = connection.prepareStatement(
            "SELECT id FROM \"" + cluster.schema() + "\".caches WHERE name = ?")) {
      select.setString(1, cacheName);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return String.valueOf(rs.getInt(1));
      }
    }
  }

  private static String table(List<Cache<String, String>> nodes) {
    return nodes.get(0).unwrap(PgCache.class).getTableName();
  }

  private static String newName() {
    return "grouped-" + CACHES.incrementAndGet();
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }
}
