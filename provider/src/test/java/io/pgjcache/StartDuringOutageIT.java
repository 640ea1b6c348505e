package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgjcache.internal.store.Identifiers;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.CuttableProxy;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.Tables;
import io.pgjcache.testing.Throwables;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * An application that starts while PostgreSQL is unreachable: the manager and its caches are made all the same,
 * operations fail fast until the database is back, then the very same objects work, with the schema and the table
 * created late, entries shared with other nodes and near caches kept coherent. The starting node reaches the
 * database (pool and LISTEN connection alike) through a proxy the test cuts; the other node connects directly.
 */
class StartDuringOutageIT {
  /** Connection timeout 1 s: anything much slower than that is waiting for the database. */
  private static final Duration FAST = Duration.ofSeconds(5);
  /** The sweeper or the next operation binds within a connection timeout; the listener reconnects within 5 s. */
  private static final Duration RECOVERS_WITHIN = Duration.ofSeconds(30);

  @Test
  void managerAndCachesMadeWhileDatabaseIsUnreachable_failFast_thenWorkWithoutRestart() throws Exception {
    String schema = "late_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Cluster cluster = Cluster.of(1); CuttableProxy proxy = new CuttableProxy(cluster.database().host(),
        cluster.database().port())) {
      try {
        startAndRecover(cluster, proxy, schema);
      } finally {
        // Not the cluster's schema, so the cluster does not drop it.
        cluster.execute("DROP SCHEMA IF EXISTS " + Identifiers.quote(schema) + " CASCADE");
      }
    }
  }

  private static void startAndRecover(Cluster cluster, CuttableProxy proxy, String schema) throws Exception {
    proxy.cut();

    CacheManager starting = assertTimeoutPreemptively(FAST, () -> startingNode(cluster, proxy, schema),
        "getCacheManager while the database is unreachable");
    try (starting) {
      // As Hibernate and the Spring starter open a cache: getCache first, createCache on null.
      assertThat(assertTimeoutPreemptively(FAST, () -> starting.getCache("books"))).as("getCache").isNull();
      Cache<String, String> books = assertTimeoutPreemptively(FAST,
          () -> starting.createCache("books", strings()), "createCache while the database is unreachable");
      assertThat(starting.getCache("books", String.class, String.class)).isSameAs(books);
      assertThat(starting.getCacheNames()).containsExactly("books");

      assertFailsFast("put", () -> books.put("k", "v1"));
      assertFailsFast("get", () -> books.get("k"));
      assertFailsFast("invoke", () -> books.invoke("k", (entry, args) -> entry.getValue()));

      proxy.restore();

      await("the cache works once the database is reachable").atMost(RECOVERS_WITHIN)
          .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .untilAsserted(() -> books.put("k", "v1"));
      assertThat(books.get("k")).isEqualTo("v1");

      DataSource direct = cluster.dataSource(0);
      String table = books.unwrap(PgCache.class).getTableName();
      assertThat(table).isEqualTo(Identifiers.qualified(schema, Identifiers.tableName("books")));
      assertThat(Tables.tableExists(direct, table)).as("table " + table).isTrue();

      try (CacheManager other = cluster.newNode("other", schema(schema))) {
        Cache<String, String> seenByOther = other.getCache("books", String.class, String.class);
        assertThat(seenByOther).as("the cache registered late, seen from another node").isNotNull();
        assertThat(seenByOther.get("k")).isEqualTo("v1");
        assertThat(other.getCacheNames()).containsExactly("books");

        // The late-bound cache subscribed to its notifications: it serves from memory and hears other nodes.
        NearCaching.awaitNearCached(direct, books, "k");
        seenByOther.put("k", "v2");
        await("the starting node hears the other node's change").atMost(RECOVERS_WITHIN)
            .until(() -> "v2".equals(books.get("k")));
        other.destroyCache("books");
      }
    }
  }

  @Test
  void cacheOpenedDuringOutage_bindsToTheTableAnotherNodeRegistered_andKeepsItsEntries() throws Exception {
    try (Cluster cluster = Cluster.of(1); CuttableProxy proxy = new CuttableProxy(cluster.database().host(),
        cluster.database().port())) {
      Cache<String, String> registered = cluster.node(0).createCache("shared", strings());
      registered.put("k", "written before");
      proxy.cut();

      CacheManager starting = assertTimeoutPreemptively(FAST, () -> startingNode(cluster, proxy, cluster.schema()),
          "getCacheManager while the database is unreachable");
      try (starting) {
        // The registry cannot be read, and the cache is not open here: null, so the framework creates it.
        assertThat(starting.getCache("shared")).as("getCache while the registry is unreachable").isNull();
        Cache<String, String> shared = starting.createCache("shared", strings());
        assertFailsFast("get", () -> shared.get("k"));

        proxy.restore();

        await("the entry the other node wrote").atMost(RECOVERS_WITHIN).pollInterval(Duration.ofMillis(200))
            .ignoreExceptions().untilAsserted(() -> assertThat(shared.get("k")).isEqualTo("written before"));
        assertThat(shared.unwrap(PgCache.class).getTableName())
            .isEqualTo(registered.unwrap(PgCache.class).getTableName());
        shared.put("k", "written after");
        await("the other node hears the change").atMost(RECOVERS_WITHIN)
            .until(() -> "written after".equals(registered.get("k")));
      }
    }
  }

  private static void assertFailsFast(String operation, ThrowingCallable callable) {
    long start = System.nanoTime();
    Throwable thrown = assertTimeoutPreemptively(FAST, () -> catchThrowable(callable), operation + " hung");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(thrown).as(operation).isInstanceOf(CacheException.class).hasMessageContaining("database unavailable");
    assertThat(Throwables.chain(thrown)).as(operation + ": cause chain of " + thrown)
        .anySatisfy(cause -> assertThat(cause).isInstanceOf(SQLException.class));
    assertThat(took).as(operation + " took").isLessThan(FAST);
  }

  /** A node whose pool and LISTEN connection both go through the proxy. */
  private static CacheManager startingNode(Cluster cluster, CuttableProxy proxy, String schema) {
    Properties properties = schema(schema);
    properties.setProperty("pgjcache.jdbc.url", cluster.jdbcUrlVia(proxy.host(), proxy.port()));
    properties.setProperty("pgjcache.connection-timeout", "PT1S");
    properties.setProperty("pgjcache.statement-timeout", "PT2S");
    return Cluster.provider().getCacheManager(URI.create("test:" + schema + "-starting-" + UUID.randomUUID()),
        StartDuringOutageIT.class.getClassLoader(), properties);
  }

  private static Properties schema(String schema) {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.schema", schema);
    return properties;
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }
}
