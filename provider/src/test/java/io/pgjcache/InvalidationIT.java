package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.store.Sql;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.NotificationTap;
import io.pgjcache.testing.Operator;
import io.pgjcache.testing.TableLock;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cross-node invalidation on three nodes: whatever changes a cache table (any cache operation on another node,
 * the expiry sweeper, an operator's SQL), nodes that had the old value near-cached return the new state once
 * the notification has arrived; a rolled-back change sends nothing.
 */
class InvalidationIT {
  /** How long a notification may take to arrive, generously: it takes about a millisecond. */
  private static final Duration ARRIVES_WITHIN = Duration.ofSeconds(5);
  private static final Map<String, String> INITIAL = Map.of("k1", "old1", "k2", "old2", "k3", "old3");
  private static final AtomicInteger CACHES = new AtomicInteger();

  private static Cluster cluster;
  private static Operator operator;

  @BeforeAll
  static void startNodes() {
    cluster = Cluster.of(3);
    operator = new Operator(cluster.dataSource(0));
  }

  @AfterAll
  static void stopNodes() {
    cluster.close();
  }

  /** A change made on node A, and the state every node must then show. */
  record Change(String name, Consumer<Cache<String, String>> apply, Map<String, String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> changes() {
    List<Change> changes = List.of(
        change("put", a -> a.put("k1", "new"), "k1", "new"),
        change("getAndPut", a -> a.getAndPut("k1", "new"), "k1", "new"),
        change("putAll", a -> a.putAll(Map.of("k1", "new1", "k2", "new2")), "k1", "new1", "k2", "new2"),
        change("remove", a -> a.remove("k1"), "k1", null),
        change("remove(key, old)", a -> a.remove("k1", "old1"), "k1", null),
        change("getAndRemove", a -> a.getAndRemove("k1"), "k1", null),
        change("replace", a -> a.replace("k1", "new"), "k1", "new"),
        change("replace(key, old, new)", a -> a.replace("k1", "old1", "new"), "k1", "new"),
        change("getAndReplace", a -> a.getAndReplace("k1", "new"), "k1", "new"),
        change("invoke setValue", a -> a.invoke("k1", (entry, args) -> {
          entry.setValue(entry.getValue() + "+");
          return null;
        }), "k1", "old1+"),
        change("invoke remove", a -> a.invoke("k1", (entry, args) -> {
          entry.remove();
          return null;
        }), "k1", null),
        change("invokeAll", a -> a.invokeAll(Set.of("k1", "k2"), (entry, args) -> {
          entry.setValue(entry.getValue().toUpperCase());
          return null;
        }), "k1", "OLD1", "k2", "OLD2"),
        change("removeAll(keys)", a -> a.removeAll(Set.of("k1", "k2")), "k1", null, "k2", null),
        change("removeAll()", Cache::removeAll, "k1", null, "k2", null, "k3", null),
        change("clear", Cache::clear, "k1", null, "k2", null, "k3", null),
        change("iterator remove", a -> {
          for (Iterator<Cache.Entry<String, String>> it = a.iterator(); it.hasNext(); ) {
            if (it.next().getKey().equals("k2")) {
              it.remove();
            }
          }
        }, "k2", null));
    return Stream.of(false, true).flatMap(listener -> changes.stream().map(change -> Arguments.of(change, listener)));
  }

  @ParameterizedTest(name = "{0}, listener on A: {1}")
  @MethodSource("changes")
  void changeOnA_isSeenByNodesThatHadTheOldValueNearCached(Change change, boolean listenerOnA) {
    // A listener on A turns A's writes into read-modify-write transactions: the other code path.
    MutableConfiguration<String, String> configuration = strings();
    if (listenerOnA) {
      configuration.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(new IgnoringListener()), null, false, true));
    }
    List<Cache<String, String>> nodes = cluster.cache(newName(), configuration);
    Cache<String, String> a = nodes.get(0);
    a.putAll(INITIAL);
    NearCaching.awaitNearCached(cluster.dataSource(0), nodes, INITIAL.keySet());

    change.apply().accept(a);

    assertState(a, change.expected());
    await(change.name()).atMost(ARRIVES_WITHIN).untilAsserted(() -> {
      assertState(nodes.get(1), change.expected());
      assertState(nodes.get(2), change.expected());
    });
  }

  @Test
  void operatorUpdate_isSeenByEveryNode() throws SQLException {
    List<Cache<String, String>> nodes = nearCachedOnEveryNode();
    operator.execute("UPDATE " + table(nodes) + " SET value_bytes = ? WHERE key_digest = ?",
        Operator.encoded("by operator"), Operator.rowKeyOf("k1"));
    awaitStateOnEveryNode(nodes, expected("k1", "by operator"));
  }

  @Test
  void operatorDelete_isSeenByEveryNode() throws SQLException {
    List<Cache<String, String>> nodes = nearCachedOnEveryNode();
    operator.execute("DELETE FROM " + table(nodes) + " WHERE key_digest = ?", Operator.rowKeyOf("k2"));
    awaitStateOnEveryNode(nodes, expected("k2", null));
  }

  @Test
  void operatorTruncate_isSeenByEveryNode() throws SQLException {
    List<Cache<String, String>> nodes = nearCachedOnEveryNode();
    operator.execute("TRUNCATE " + table(nodes));
    awaitStateOnEveryNode(nodes, expected("k1", null, "k2", null, "k3", null));
  }

  @Test
  void rolledBackChange_sendsNothing_andNodesKeepServingTheirCopies() throws SQLException {
    List<Cache<String, String>> nodes = cluster.cache(newName(), strings());
    nodes.get(0).putAll(INITIAL);
    nodes.get(0).put("sentinel", "before");
    NearCaching.awaitNearCached(cluster.dataSource(0), nodes, List.of("k1", "k2", "k3", "sentinel"));
    String table = table(nodes);

    operator.rollBack(List.of(
        "UPDATE " + table + " SET value_bytes = value_bytes || '\\x00'::bytea",
        "DELETE FROM " + table,
        "TRUNCATE " + table));
    // Notifications arrive in commit order: once the sentinel's has arrived, anything the rollback had sent
    // would have arrived too.
    nodes.get(0).put("sentinel", "after");
    await().atMost(ARRIVES_WITHIN).untilAsserted(() -> {
      assertThat(nodes.get(1).get("sentinel")).isEqualTo("after");
      assertThat(nodes.get(2).get("sentinel")).isEqualTo("after");
    });

    try (TableLock lock = TableLock.on(cluster.dataSource(0), table)) {
      for (Cache<String, String> node : nodes.subList(1, 3)) {
        for (String key : INITIAL.keySet()) {
          assertThat(lock.fromMemory(key + " on " + node.getCacheManager().getURI(), () -> node.get(key)))
              .isEqualTo(INITIAL.get(key));
        }
      }
    }
  }

  @Test
  void sweeperDeletingAnExpiredRow_isSeenByNodesThatStillHoldIt() throws SQLException {
    List<Cache<String, String>> nodes = nearCachedOnEveryNode();
    nodes.get(0).put("sentinel", "before");
    NearCaching.awaitNearCached(cluster.dataSource(0), nodes, List.of("sentinel"));
    String table = table(nodes);
    // The copies are eternal; the row is made to expire soon without telling anyone (its trigger is off for
    // that one transaction), so only the sweeper's delete can tell the nodes.
    operator.commit(List.of(
        "ALTER TABLE " + table + " DISABLE TRIGGER notify_update",
        "UPDATE " + table + " SET expires_at = (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 4000"
            + " WHERE key_digest = '\\x" + hex(Operator.rowKeyOf("k1")) + "'",
        "ALTER TABLE " + table + " ENABLE TRIGGER notify_update"));
    nodes.get(0).put("sentinel", "after");
    await().atMost(ARRIVES_WITHIN).untilAsserted(() -> {
      assertThat(nodes.get(1).get("sentinel")).isEqualTo("after");
      assertThat(nodes.get(2).get("sentinel")).isEqualTo("after");
    });
    try (TableLock lock = TableLock.on(cluster.dataSource(0), table)) {
      assertThat(lock.fromMemory("B still holds k1", () -> nodes.get(1).get("k1"))).isEqualTo("old1");
    }

    await("sweeper deletes the row and every node drops k1").atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> {
          assertThat(nodes.get(1).get("k1")).isNull();
          assertThat(nodes.get(2).get("k1")).isNull();
        });
    assertThat(rowCount(table, "k1")).as("rows of k1: the sweeper deleted it").isZero();
  }

  @Test
  void statementChangingMoreKeysThanOneMessageNames_invalidatesTheWholeCache() throws SQLException {
    int limit = Sql.MAX_KEYS_PER_NOTIFICATION;
    Map<String, String> initial = new LinkedHashMap<>();
    IntStream.rangeClosed(1, limit + 1).forEach(i -> initial.put("key" + i, "old" + i));
    List<Cache<String, String>> nodes = cluster.cache(newName(), strings());
    nodes.get(0).putAll(initial);
    NearCaching.awaitNearCached(cluster.dataSource(0), nodes, initial.keySet());
    String table = table(nodes);
    String id = cacheId(nodes.get(0).getName());

    try (NotificationTap tap = NotificationTap.listen(cluster.dataSource(0), cluster.schema())) {
      // Exactly as many keys as one message names: they are named.
      String last = "key" + (limit + 1);
      operator.execute("UPDATE " + table + " SET value_bytes = ? WHERE key_digest <> ?", Operator.encoded("first"),
          Operator.rowKeyOf(last));
      String named = lastOf(tap.payloadsUntil(id + " ", ARRIVES_WITHIN));
      Set<String> digests = new TreeSet<>(List.of(named.substring(id.length() + 1).split(" ")));
      Set<String> expectedDigests = new TreeSet<>();
      initial.keySet().stream().filter(key -> !key.equals(last))
          .forEach(key -> expectedDigests.add(Base64.getEncoder().encodeToString(Operator.digestOf(key))));
      assertThat(digests).isEqualTo(expectedDigests);
      Map<String, String> afterFirst = new HashMap<>();
      initial.keySet().forEach(key -> afterFirst.put(key, key.equals(last) ? initial.get(key) : "first"));
      awaitStateOnEveryNode(nodes, afterFirst);

      NearCaching.awaitNearCached(cluster.dataSource(0), nodes, initial.keySet());
      // One more: the message says "anything in this cache may have changed".
      operator.execute("UPDATE " + table + " SET value_bytes = ?", Operator.encoded("second"));
      assertThat(lastOf(tap.payloadsUntil(id + " ", ARRIVES_WITHIN))).isEqualTo(id + " *");
      Map<String, String> afterSecond = new HashMap<>();
      initial.keySet().forEach(key -> afterSecond.put(key, "second"));
      awaitStateOnEveryNode(nodes, afterSecond);

      NearCaching.awaitNearCached(cluster.dataSource(0), nodes, initial.keySet());
      nodes.get(0).removeAll();
      assertThat(lastOf(tap.payloadsUntil(id + " ", ARRIVES_WITHIN))).isEqualTo(id + " *");
      Map<String, String> empty = new HashMap<>();
      initial.keySet().forEach(key -> empty.put(key, null));
      awaitStateOnEveryNode(nodes, empty);
    }
  }

  @Test
  void longKeys_areNamedByDigest_andInvalidateAcrossNodes() throws SQLException {
    String longKey = "x".repeat(5_000) + "-end";
    List<Cache<String, String>> nodes = cluster.cache(newName(), strings());
    nodes.get(0).put(longKey, "old");
    NearCaching.awaitNearCached(cluster.dataSource(0), nodes, List.of(longKey));
    String id = cacheId(nodes.get(0).getName());

    try (NotificationTap tap = NotificationTap.listen(cluster.dataSource(0), cluster.schema())) {
      nodes.get(0).put(longKey, "new");
      assertThat(lastOf(tap.payloadsUntil(id + " ", ARRIVES_WITHIN)))
          .isEqualTo(id + " " + Base64.getEncoder().encodeToString(Operator.digestOf(longKey)));
    }
    awaitStateOnEveryNode(nodes, Map.of(longKey, "new"));
  }

  @Test
  void destroyCache_onOneNode_stopsOtherNodesServingTheirCopies() {
    List<Cache<String, String>> nodes = nearCachedOnEveryNode();
    cluster.node(0).destroyCache(nodes.get(0).getName());

    for (Cache<String, String> node : nodes.subList(1, 3)) {
      // Either the read finds the table gone, or the node's sweeper has already found it gone and closed its copy.
      await().atMost(ARRIVES_WITHIN).untilAsserted(() -> assertThatThrownBy(() -> node.get("k1")).satisfiesAnyOf(
          e -> assertThat(e).isInstanceOf(CacheException.class).hasMessageContaining("cache table is missing"),
          e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed")));
    }
  }

  // ---- support ---------------------------------------------------------------------------------

  /** A new cache holding {@link #INITIAL}, near-cached on all three nodes. */
  private static List<Cache<String, String>> nearCachedOnEveryNode() {
    List<Cache<String, String>> nodes = cluster.cache(newName(), strings());
    nodes.get(0).putAll(INITIAL);
    NearCaching.awaitNearCached(cluster.dataSource(0), nodes, INITIAL.keySet());
    return nodes;
  }

  private static void awaitStateOnEveryNode(List<Cache<String, String>> nodes, Map<String, String> expected) {
    await().atMost(ARRIVES_WITHIN).untilAsserted(() -> {
      for (Cache<String, String> node : nodes) {
        assertState(node, expected);
      }
    });
  }

  /** The node shows the expected values (null: absent) through get, getAll and containsKey. */
  private static void assertState(Cache<String, String> node, Map<String, String> expected) {
    String where = "on " + node.getCacheManager().getURI();
    Map<String, String> present = new HashMap<>();
    expected.forEach((key, value) -> {
      assertThat(node.get(key)).as(key + " " + where).isEqualTo(value);
      assertThat(node.containsKey(key)).as("containsKey " + key + " " + where).isEqualTo(value != null);
      if (value != null) {
        present.put(key, value);
      }
    });
    assertThat(node.getAll(expected.keySet())).as("getAll " + where).isEqualTo(present);
  }

  /** The initial state with some keys changed (pairs of key and value, null for absent). */
  private static Map<String, String> expected(String... keysAndValues) {
    Map<String, String> state = new HashMap<>(INITIAL);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      state.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return state;
  }

  private static Change change(String name, Consumer<Cache<String, String>> apply, String... keysAndValues) {
    return new Change(name, apply, expected(keysAndValues));
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

  private static long rowCount(String table, String key) throws SQLException {
    try (Connection connection = cluster.dataSource(0).getConnection();
        PreparedStatement select = connection.prepareStatement(
            "SELECT count(*) FROM " + table + " WHERE key_digest = ?")) {
      select.setBytes(1, Operator.rowKeyOf(key));
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String lastOf(List<String> payloads) {
    return payloads.get(payloads.size() - 1);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static String table(List<Cache<String, String>> nodes) {
    return nodes.get(0).unwrap(PgCache.class).getTableName();
  }

  private static String newName() {
    return "invalidation-" + CACHES.incrementAndGet();
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  /** A listener that ignores what it hears: registered, it turns a cache's writes into read-modify-writes. */
  static final class IgnoringListener implements CacheEntryCreatedListener<String, String>, Serializable {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
    }
  }
}
