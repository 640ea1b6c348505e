package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgjcache.management.ListenerState;
import io.pgjcache.management.ManagerMetricsMXBean;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.Tables;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.CacheEntryListenerException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PgCache#inTransaction}: cache operations in a caller's transaction commit or roll back with it, on two
 * nodes with near caches. Nodes are told apart by their own pools; the caller's transaction runs on a connection of
 * node A's pool, as an application sharing the cache's database would hold one.
 */
class TransactionalViewIT {
  private static final Duration ARRIVES_WITHIN = Duration.ofSeconds(10);
  private static final AtomicInteger CACHES = new AtomicInteger();

  private static Cluster cluster;
  private List<Cache<String, String>> caches;
  private Cache<String, String> onA;
  private Cache<String, String> onB;

  @BeforeAll
  static void start() {
    cluster = Cluster.of(2);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @BeforeEach
  void createCache() {
    caches = cluster.cache("tx-" + CACHES.incrementAndGet(),
        new PgCacheConfiguration<String, String>().setClusterEvents(true).setTypes(String.class, String.class));
    onA = caches.get(0);
    onB = caches.get(1);
    onA.putAll(Map.of("k1", "old1", "k2", "old2"));
    NearCaching.awaitNearCached(cluster.dataSource(), caches, List.of("k1", "k2"));
  }

  @Test
  void rollback_leavesNoChangeAnywhere() throws SQLException {
    try (Connection c = transaction()) {
      Cache<String, String> view = view(onA, c);
      view.put("k1", "new1");
      view.remove("k2");
      String result = view.invoke("k3", (entry, args) -> {
        entry.setValue("new3");
        return "done";
      });
      assertThat(result).isEqualTo("done");
      c.rollback();
    }
    assertCommitted(Map.of("k1", "old1", "k2", "old2"), "k3");
    // Node B still serves its near copy, and nothing evicted it: no notification was sent.
    assertThat(onB.get("k1")).isEqualTo("old1");
    assertThat(onA.get("k2")).isEqualTo("old2");
  }

  @Test
  void removeAllOfKeys_inARolledBackTransaction_removesNothing() throws SQLException {
    try (Connection c = transaction()) {
      Cache<String, String> view = view(onA, c);
      view.removeAll(Set.of("k1", "k2"));
      assertThat(view.getAll(Set.of("k1", "k2"))).isEmpty();
      c.rollback();
    }
    assertCommitted(Map.of("k1", "old1", "k2", "old2"));
  }

  @Test
  void commit_changesTheEntry_andInvalidatesBothNodes() throws SQLException {
    try (Connection c = transaction()) {
      Cache<String, String> view = view(onA, c);
      view.put("k1", "new1");
      view.remove("k2");
      assertThat(view.getAndPut("k3", "new3")).isNull();
      c.commit();
    }
    assertCommitted(Map.of("k1", "new1", "k3", "new3"), "k2");
    for (Cache<String, String> node : caches) {
      await("the commit heard on " + node.getCacheManager().getURI()).atMost(ARRIVES_WITHIN).untilAsserted(() -> {
        assertThat(node.get("k1")).isEqualTo("new1");
        assertThat(node.get("k2")).isNull();
        assertThat(node.get("k3")).isEqualTo("new3");
      });
    }
  }

  @Test
  void clear_afterAnotherWriteInTheTransaction_stillEvictsEveryNearCopy() throws SQLException {
    try (Connection c = transaction()) {
      Cache<String, String> view = view(onA, c);
      // The put marks the transaction as one whose writes announce themselves, which silences the triggers.
      view.put("k3", "new3");
      view.clear();
      c.commit();
    }
    assertCommitted(Map.of(), "k1", "k2", "k3");
    for (Cache<String, String> node : caches) {
      await("the clear heard on " + node.getCacheManager().getURI()).atMost(ARRIVES_WITHIN).untilAsserted(() -> {
        assertThat(node.get("k1")).isNull();
        assertThat(node.get("k2")).isNull();
      });
    }
  }

  @Test
  void thisNode_servesTheCommittedChange_rightAfterTheCommit() throws SQLException {
    try (Connection c = transaction()) {
      view(onA, c).put("k1", "new1");
      assertThat(onA.get("k1")).isEqualTo("old1");
      c.commit();
    }
    // No waiting: this node held the key since the change, so it reads PostgreSQL until the commit is announced.
    assertThat(onA.get("k1")).isEqualTo("new1");
  }

  @Test
  void uncommittedWrites_areSeenInTheTransaction_only() throws SQLException {
    try (Connection c = transaction()) {
      Cache<String, String> view = view(onA, c);
      view.put("k1", "new1");
      view.putAll(Map.of("k3", "new3", "k4", "new4"));
      view.remove("k2");
      assertThat(view.get("k1")).isEqualTo("new1");
      assertThat(view.containsKey("k2")).isFalse();
      assertThat(view.getAll(Set.of("k1", "k2", "k3", "k4")))
          .isEqualTo(Map.of("k1", "new1", "k3", "new3", "k4", "new4"));
      assertThat(view.replace("k1", "new1", "newer1")).isTrue();
      assertThat(view.putIfAbsent("k4", "other")).isFalse();

      // Nobody else sees any of it: neither node's near copy, nor a read of the table on another connection.
      for (Cache<String, String> node : caches) {
        assertThat(node.get("k1")).isEqualTo("old1");
        assertThat(node.get("k2")).isEqualTo("old2");
        assertThat(node.get("k3")).isNull();
      }
      try (Connection other = transaction(1)) {
        assertThat(view(onB, other).getAll(Set.of("k1", "k2", "k3"))).isEqualTo(Map.of("k1", "old1", "k2", "old2"));
        other.rollback();
      }
      c.rollback();
    }
  }

  @Test
  void aChangeInTheTransaction_holdsOffOtherWritersOfTheKey_untilItCommits() throws Exception {
    CompletableFuture<String> plainWrite;
    try (Connection c = transaction()) {
      view(onA, c).put("k1", "in transaction");
      // Node B's plain getAndPut must wait for the transaction's key lock.
      plainWrite = CompletableFuture.supplyAsync(() -> onB.getAndPut("k1", "after"));
      await("node B waiting for the key's lock").atMost(ARRIVES_WITHIN)
          .until(() -> Tables.sessionsWaitingForKeyLock(onA, "k1") == 1);
      assertThat(plainWrite).isNotDone();
      c.commit();
    }
    // It ran after the commit, so it saw the transaction's value as the old one.
    assertThat(plainWrite.get()).isEqualTo("in transaction");
    assertCommitted(Map.of("k1", "after"));
  }

  @Test
  void otherWritersOfTheKey_seeTheOldValue_afterARollback() throws Exception {
    CompletableFuture<String> plainWrite;
    try (Connection c = transaction()) {
      view(onA, c).remove("k1");
      plainWrite = CompletableFuture.supplyAsync(() -> onB.getAndPut("k1", "after"));
      await("node B waiting for the key's lock").atMost(ARRIVES_WITHIN)
          .until(() -> Tables.sessionsWaitingForKeyLock(onA, "k1") == 1);
      c.rollback();
    }
    assertThat(plainWrite.get()).isEqualTo("old1");
  }

  @Test
  void listenersOnEveryNode_hearACommittedChange_andNeverARolledBackOne() throws SQLException {
    List<String> heardOnA = new CopyOnWriteArrayList<>();
    List<String> heardOnB = new CopyOnWriteArrayList<>();
    Recorder.register(onA, heardOnA);
    Recorder.register(onB, heardOnB);
    try (Connection c = transaction()) {
      view(onA, c).put("rolled back", "x");
      c.rollback();
    }
    try (Connection c = transaction()) {
      view(onA, c).put("k1", "new1");
      assertThat(heardOnA).isEmpty();
      c.commit();
    }
    // Events arrive in commit order: had the rolled-back change sent one, it would come first.
    for (List<String> heard : List.of(heardOnA, heardOnB)) {
      await("the committed change heard").atMost(ARRIVES_WITHIN).until(() -> !heard.isEmpty());
      assertThat(heard).containsExactly("UPDATED k1=new1");
    }
  }

  @Test
  void aNodeWithoutNearCachesOrClusterEvents_listensOnlyOnceItJoinsATransaction_thenHearsItsCommits()
      throws SQLException {
    Properties noNearCaches = new Properties();
    noNearCaches.setProperty("pgjcache.near-cache.enabled", "false");
    try (Cluster alone = Cluster.of(1, noNearCaches)) {
      Cache<String, String> cache = alone.cache("tx-plain-" + CACHES.incrementAndGet(),
          new PgCacheConfiguration<String, String>().setTypes(String.class, String.class)).get(0);
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");
      ManagerMetricsMXBean node = alone.node(0).unwrap(PgCacheManager.class).getMetrics();
      // Otherwise it would hear every notification of every cache in the schema, for nothing.
      assertThat(node.getListenerState()).as("LISTEN connection before a transactional view")
          .isEqualTo(ListenerState.NOT_STARTED.name());

      List<String> heard = new CopyOnWriteArrayList<>();
      Recorder.register(cache, heard);
      try (Connection c = alone.dataSource(0).getConnection()) {
        c.setAutoCommit(false);
        view(cache, c).put("k", "in transaction");
        c.commit();
      }
      await("the committed change heard").atMost(ARRIVES_WITHIN).until(() -> !heard.isEmpty());
      assertThat(heard).containsExactly("UPDATED k=in transaction");
      assertThat(node.getListenerState()).isEqualTo(ListenerState.LIVE.name());
    }
  }

  @Test
  void aConnectionInAutoCommitMode_isRefused() throws SQLException {
    try (Connection c = cluster.dataSource().getConnection()) {
      assertThatThrownBy(() -> onA.unwrap(PgCache.class).inTransaction(c))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("auto-commit");
    }
  }

  @Test
  void aConnectionToAnotherDatabase_isRefused_namingBoth() throws SQLException {
    var database = cluster.database();
    // A database every server has and any role may connect to: no CREATE DATABASE, which a test role may lack.
    String other = database.database().equals("postgres") ? "template1" : "postgres";
    String url = "jdbc:postgresql://" + database.host() + ":" + database.port() + "/" + other;
    try (Connection c = DriverManager.getConnection(url, database.user(), database.password())) {
      c.setAutoCommit(false);
      assertThatThrownBy(() -> onA.unwrap(PgCache.class).inTransaction(c))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + other + "'")
          .hasMessageContaining("'" + database.database() + "'")
          .hasMessageNotContaining("password")
          // A test password may equal the role's or the database's name, which the message rightly names.
          .satisfies(e -> assertThat(String.valueOf(database.password()))
              .satisfiesAnyOf(password -> assertThat(e.getMessage()).doesNotContain(password),
                  password -> assertThat(password).isIn(database.user(), database.database())));
    }
  }

  @Test
  void aConnectionThatJoinedBefore_joinsAgain_withoutAskingItsDatabase() throws SQLException {
    try (Connection c = transaction()) {
      view(onA, c).put("k1", "new1");
      c.rollback();
      // An aborted transaction refuses every statement, the database check's among them: joining it again
      // succeeds only if the check is not asked again. Its first operation then fails, as any statement would.
      try (Statement failing = c.createStatement()) {
        assertThatThrownBy(() -> failing.execute("SELECT 1 / 0")).isInstanceOf(SQLException.class);
      }
      Cache<String, String> again = view(onA, c);
      assertThatThrownBy(() -> again.get("k1")).isInstanceOf(CacheException.class);
      c.rollback();
    }
  }

  @Test
  void aClosedView_isClosed_butTheCacheIsNot() throws SQLException {
    try (Connection c = transaction()) {
      Cache<String, String> view = view(onA, c);
      view.close();
      assertThat(view.isClosed()).isTrue();
      assertThatThrownBy(() -> view.get("k1")).isInstanceOf(IllegalStateException.class);
      assertThat(onA.isClosed()).isFalse();
      assertThat(onA.get("k1")).isEqualTo("old1");
      c.rollback();
    }
  }

  /** The committed state, read on a connection of its own through a view (so past every near cache). */
  private void assertCommitted(Map<String, String> present, String... absent) throws SQLException {
    try (Connection c = transaction()) {
      Cache<String, String> view = view(onB, c);
      present.forEach((key, value) -> assertThat(view.get(key)).as(key).isEqualTo(value));
      for (String key : absent) {
        assertThat(view.containsKey(key)).as(key).isFalse();
      }
      c.rollback();
    }
  }

  private static Connection transaction() throws SQLException {
    return transaction(0);
  }

  /** A connection of a node's pool, with a transaction open on it. */
  private static Connection transaction(int node) throws SQLException {
    Connection c = cluster.dataSource(node).getConnection();
    c.setAutoCommit(false);
    return c;
  }

  private static Cache<String, String> view(Cache<String, String> cache, Connection c) {
    @SuppressWarnings("unchecked")
    PgCache<String, String> pg = cache.unwrap(PgCache.class);
    return pg.inTransaction(c);
  }

  /** Records created and updated events as "TYPE key=value". */
  public static final class Recorder implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String> {
    private final List<String> heard;

    Recorder(List<String> heard) {
      this.heard = heard;
    }

    static void register(Cache<String, String> cache, List<String> heard) {
      cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
          () -> new Recorder(heard), null, false, true));
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events)
        throws CacheEntryListenerException {
      events.forEach(e -> heard.add(e.getEventType() + " " + e.getKey() + "=" + e.getValue()));
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events)
        throws CacheEntryListenerException {
      events.forEach(e -> heard.add(e.getEventType() + " " + e.getKey() + "=" + e.getValue()));
    }
  }
}
