package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.CuttableProxy;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.PrivatePostgres;
import io.pgjcache.testing.TableLock;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a node's LISTEN connection is lost, notifications are lost with it: the node must clear its near caches
 * and bypass them until the connection is back, so that it never serves a value changed meanwhile; then it
 * near-caches again. A PostgreSQL crash loses the connection of every node, and the unlogged tables too.
 */
class ListenerOutageIT {
  private static final Duration ARRIVES_WITHIN = Duration.ofSeconds(5);
  /** The listener retries with a backoff of at most five seconds. */
  private static final Duration RECONNECTS_WITHIN = Duration.ofSeconds(15);

  @TempDir
  Path dataDirectory;

  @Test
  void terminatedListenBackend_nodeServesTheChangeMadeMeanwhile_andNearCachesAgainAfterReconnecting()
      throws SQLException {
    try (Cluster cluster = Cluster.of(3)) {
      DataSource operator = cluster.dataSource(0);
      // B opens the cache last, so the listen backend that appears then is B's.
      Cache<String, String> a = cluster.node(0).createCache("terminated", strings());
      Cache<String, String> c = cluster.node(2).getCache("terminated", String.class, String.class);
      Set<Integer> before = listenerPids(operator);
      Cache<String, String> b = cluster.node(1).getCache("terminated", String.class, String.class);
      Set<Integer> bListener = listenerPids(operator);
      bListener.removeAll(before);
      assertThat(bListener).as("B's listen backend").hasSize(1);

      a.put("k", "v1");
      NearCaching.awaitNearCached(operator, List.of(b, c), List.of("k"));

      execute(operator, "SELECT pg_terminate_backend(" + bListener.iterator().next() + ")");
      a.put("k", "v2");

      await("B returns the change made while its listener was down").atMost(ARRIVES_WITHIN)
          .until(() -> "v2".equals(b.get("k")));
      await("C, whose listener is fine, hears the change").atMost(ARRIVES_WITHIN).until(() -> "v2".equals(c.get("k")));

      await("B's listener is back").atMost(RECONNECTS_WITHIN).until(() -> {
        Set<Integer> now = listenerPids(operator);
        now.removeAll(before);
        now.removeAll(bListener);
        return now.size() == 1;
      });
      NearCaching.awaitNearCached(operator, b, "k");
      a.put("k", "v3");
      await("B hears changes again").atMost(ARRIVES_WITHIN).until(() -> "v3".equals(b.get("k")));
    }
  }

  @Test
  void whileTheListenConnectionIsDown_nearCacheIsBypassed_andRefillsOnceItIsBack() throws Exception {
    try (Cluster cluster = Cluster.of(1); ProxiedNode node = ProxiedNode.start(cluster)) {
      DataSource operator = cluster.dataSource(0);
      CuttableProxy proxy = node.proxy;
      Cache<String, String> a = cluster.node(0).createCache("cut", strings());
      Cache<String, String> b = node.manager.getCache("cut", String.class, String.class);
      a.put("k", "v1");
      NearCaching.awaitNearCached(operator, b, "k");

      proxy.cut();
      a.put("k", "v2");
      await("B notices the loss and reads PostgreSQL").atMost(ARRIVES_WITHIN).until(() -> "v2".equals(b.get("k")));
      // From now on B hears nothing: only reading PostgreSQL every time shows it each change.
      for (int i = 3; i < 10; i++) {
        a.put("k", "v" + i);
        assertThat(b.get("k")).isEqualTo("v" + i);
        assertThat(b.get("k")).isEqualTo("v" + i);
      }
      try (TableLock lock = TableLock.on(operator, NearCacheIT.table(b))) {
        lock.assertWaitsOnTable("get while the listener is down", () -> b.get("k"));
      }

      proxy.restore();
      NearCaching.awaitNearCached(operator, b, "k");
      a.put("k", "back");
      await("B hears changes again").atMost(ARRIVES_WITHIN).until(() -> "back".equals(b.get("k")));
    }
  }

  @Test
  void afterACrash_unloggedCachesAreEmpty_andNoNodeServesAPreCrashValue() {
    try (PrivatePostgres server = PrivatePostgres.start(dataDirectory);
        Cluster cluster = Cluster.builder().nodes(3)
            .property("pgjcache.jdbc.url", server.jdbcUrl())
            .property("pgjcache.jdbc.user", "postgres")
            .property("pgjcache.connection-timeout", "PT1S")
            .property("pgjcache.statement-timeout", "PT2S")
            .build()) {
      List<Cache<String, String>> nodes = cluster.cache("crash", strings());
      nodes.get(0).put("k", "pre-crash");
      NearCaching.awaitNearCached(cluster.dataSource(0), nodes, List.of("k"));

      server.crash();
      for (Cache<String, String> node : nodes) {
        await("near cache bypassed on " + node.getCacheManager().getURI()).atMost(ARRIVES_WITHIN)
            .untilAsserted(() -> assertThatThrownBy(() -> node.get("k")).isInstanceOf(CacheException.class));
      }
      server.start();

      for (Cache<String, String> node : nodes) {
        List<String> answers = new ArrayList<>();
        await("answers again").atMost(RECONNECTS_WITHIN).ignoreExceptions().until(() -> {
          answers.add(node.get("k"));
          return true;
        });
        for (int i = 0; i < 20; i++) {
          answers.add(node.get("k"));
        }
        assertThat(answers).as("answers of " + node.getCacheManager().getURI()).containsOnlyNulls();
      }
      nodes.get(0).put("k", "post-crash");
      NearCaching.awaitNearCached(cluster.dataSource(0), nodes, List.of("k"));
      nodes.get(0).put("k", "changed");
      for (Cache<String, String> node : nodes) {
        await("invalidation works after the restart").atMost(RECONNECTS_WITHIN)
            .until(() -> "changed".equals(node.get("k")));
      }
    }
  }

  /** A node of the cluster whose LISTEN connection goes through a proxy that the test can cut. */
  private static final class ProxiedNode implements AutoCloseable {
    final CuttableProxy proxy;
    final CacheManager manager;

    private ProxiedNode(CuttableProxy proxy, CacheManager manager) {
      this.proxy = proxy;
      this.manager = manager;
    }

    static ProxiedNode start(Cluster cluster) throws Exception {
      CuttableProxy proxy = new CuttableProxy(cluster.database().host(), cluster.database().port());
      Properties properties = new Properties();
      properties.putAll(cluster.properties());
      properties.setProperty("pgjcache.listen.url", cluster.jdbcUrlVia(proxy.host(), proxy.port()));
      CacheManager manager = Cluster.provider().getCacheManager(URI.create("test:" + cluster.schema() + "-proxied"),
          ListenerOutageIT.class.getClassLoader(), properties);
      return new ProxiedNode(proxy, manager);
    }

    @Override
    public void close() throws IOException {
      try {
        manager.close();
      } finally {
        proxy.close();
      }
    }
  }

  private static Set<Integer> listenerPids(DataSource dataSource) throws SQLException {
    Set<Integer> pids = new HashSet<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgjcache-listener'")) {
      while (rows.next()) {
        pids.add(rows.getInt(1));
      }
    }
    return pids;
  }

  private static void execute(DataSource dataSource, String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }
}
