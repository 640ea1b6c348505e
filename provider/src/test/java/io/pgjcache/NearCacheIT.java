package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.TableLock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The near cache of one node: a value read once is answered from memory afterwards, by value, and never past
 * its expiry. "From memory" is proven by locking the cache table: a read that still completes made no round trip.
 */
class NearCacheIT {
  @Test
  void reads_areAnsweredFromMemory_onceTheValueIsNearCached() throws Exception {
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, String>> caches = cluster.cache("hits", strings());
      Cache<String, String> a = caches.get(0);
      Cache<String, String> b = caches.get(1);
      a.put("k", "v");
      a.put("cold", "never read");
      assertThat(b.get("k")).isEqualTo("v");
      NearCaching.awaitNearCached(cluster.dataSource(0), b, "k");

      try (TableLock lock = TableLock.on(cluster.dataSource(0), table(b))) {
        assertThat(lock.fromMemory("get", () -> b.get("k"))).isEqualTo("v");
        assertThat(lock.fromMemory("getAll", () -> b.getAll(Set.of("k")))).isEqualTo(Map.of("k", "v"));
        assertThat(lock.fromMemory("containsKey", () -> b.containsKey("k"))).isTrue();
        // The proof is sound: a key that was never read does need PostgreSQL, and waits.
        lock.assertWaitsOnTable("get of a key never read", () -> b.get("cold"));
      }
      assertThat(b.get("cold")).isEqualTo("never read");
    }
  }

  @Test
  void ownWrite_dropsTheOwnCopy_soTheWriterReadsItsNewValue() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      Cache<String, String> cache = cluster.node(0).createCache("own", strings());
      cache.put("k", "v1");
      assertThat(cache.get("k")).isEqualTo("v1");
      cache.put("k", "v2");
      assertThat(cache.get("k")).isEqualTo("v2");
      cache.remove("k");
      assertThat(cache.get("k")).isNull();
      assertThat(cache.containsKey("k")).isFalse();
    }
  }

  @Test
  void reads_goToPostgreSQL_everyTime_whenTheNearCacheIsOff() throws Exception {
    try (Cluster on = Cluster.builder().nodes(1)
            .property("pgjcache.cache.off-by-setting.near-cache", "false").build();
        Cluster off = Cluster.builder().nodes(1).property("pgjcache.near-cache.enabled", "false").build()) {
      assertReadsPostgreSQLEveryTime(on, on.node(0).createCache("off-by-setting", strings()));
      assertReadsPostgreSQLEveryTime(on, on.node(0).createCache("off-by-configuration",
          new PgCacheConfiguration<String, String>().setNearCacheEnabled(false).setTypes(String.class, String.class)));
      assertReadsPostgreSQLEveryTime(off, off.node(0).createCache("off-for-the-manager", strings()));
    }
  }

  @Test
  void reads_goToPostgreSQL_whenTheExpiryPolicyChangesExpiryOnAccess() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      Cache<String, String> cache = cluster.node(0).createCache("accessed", strings()
          .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(jcache(Duration.ofMinutes(1)))));
      assertReadsPostgreSQLEveryTime(cluster, cache);
    }
  }

  @Test
  void nearCache_holdsAtMostItsMaxEntries() throws Exception {
    int max = 10;
    try (Cluster cluster = Cluster.builder().nodes(1)
        .property("pgjcache.cache.bounded.near-cache-max-entries", String.valueOf(max)).build()) {
      Cache<String, String> cache = cluster.node(0).createCache("bounded", strings());
      List<String> keys = IntStream.range(0, 5 * max).mapToObj(i -> "k" + i).toList();
      keys.forEach(key -> cache.put(key, "v"));
      NearCaching.awaitNearCached(cluster.dataSource(0), cache, keys.get(keys.size() - 1));
      keys.forEach(cache::get);

      try (TableLock lock = TableLock.on(cluster.dataSource(0), table(cache))) {
        List<Callable<String>> reads = keys.stream().<Callable<String>>map(key -> () -> cache.get(key)).toList();
        assertThat(lock.countCompletingWithin(Duration.ofSeconds(1), reads)).as("reads answered from memory")
            .isBetween(1, max);
      }
    }
  }

  @Test
  void get_returnsAnIndependentCopy_soMutatingItChangesNothing() {
    try (Cluster cluster = Cluster.of(1)) {
      Cache<String, ArrayList<String>> cache = cluster.node(0).createCache("by-value",
          new MutableConfiguration<String, ArrayList<String>>());
      cache.put("list", new ArrayList<>(List.of("a", "b")));

      ArrayList<String> first = cache.get("list");
      first.add("mutated");
      ArrayList<String> second = cache.get("list");
      second.clear();

      assertThat(cache.get("list")).containsExactly("a", "b");
      assertThat(cache.get("list")).isNotSameAs(cache.get("list"));
    }
  }

  @Test
  void everyKey_readsItsOwnValue_whenMoreKeysAreUsedThanTheNearCacheRemembers() throws Exception {
    int max = 8;
    try (Cluster cluster = Cluster.builder().nodes(1)
        .property("pgjcache.cache.many-keys.near-cache-max-entries", String.valueOf(max)).build()) {
      Cache<Object, Object> cache = cluster.node(0).createCache("many-keys", new MutableConfiguration<>());
      List<Object> keys = new ArrayList<>();
      for (int i = 0; i < 5 * max; i++) {
        keys.add("k" + i);
        keys.add(i);
        keys.add((long) i);
      }
      keys.forEach(key -> cache.put(key, key.getClass().getSimpleName() + " " + key));
      NearCaching.awaitNearCached(cluster.dataSource(0), cache, keys.get(keys.size() - 1));

      for (int pass = 0; pass < 3; pass++) {
        for (Object key : keys) {
          assertThat(cache.get(key)).as("pass %d, key %s", pass, key)
              .isEqualTo(key.getClass().getSimpleName() + " " + key);
        }
      }
      cache.put(7L, "changed");
      assertThat(cache.get(7L)).isEqualTo("changed");
      assertThat(cache.get(7)).isEqualTo("Integer 7");
      assertThat(cache.get("k7")).isEqualTo("String k7");
    }
  }

  @Test
  void aStringValue_servedFromMemory_isTheStoredValue_afterEveryChange() throws Exception {
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, String>> caches = cluster.cache("shared-values", strings());
      Cache<String, String> a = caches.get(0);
      Cache<String, String> b = caches.get(1);
      for (int version = 0; version < 5; version++) {
        String value = "v" + version;
        a.put("k", value);
        await().atMost(Duration.ofSeconds(5)).until(() -> value.equals(b.get("k")));
        NearCaching.awaitNearCached(cluster.dataSource(0), b, "k");
        try (TableLock lock = TableLock.on(cluster.dataSource(0), table(b))) {
          assertThat(lock.fromMemory("first hit", () -> b.get("k"))).isEqualTo(value);
          assertThat(lock.fromMemory("second hit", () -> b.get("k"))).isEqualTo(value);
        }
      }
    }
  }

  @Test
  void nearCachedEntry_isNotReturned_afterItExpires() throws Exception {
    Duration ttl = Duration.ofSeconds(2);
    // No sweeper: nothing deletes the row, so no notification can drop the copy. Only its own expiry can.
    try (Cluster cluster = Cluster.builder().nodes(2).property("pgjcache.sweep.interval", "PT0S").build()) {
      List<Cache<String, String>> caches = cluster.cache("expiring", strings()
          .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(jcache(ttl))));
      Cache<String, String> b = caches.get(1);
      long written = System.currentTimeMillis();
      caches.get(0).put("k", "v");
      assertThat(b.get("k")).isEqualTo("v");
      NearCaching.awaitNearCached(cluster.dataSource(0), b, "k");
      assertThat(System.currentTimeMillis()).as("near-cached before expiry").isLessThan(written + ttl.toMillis());

      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> b.get("k") == null);
      assertThat(System.currentTimeMillis()).as("when the copy stopped being served").isGreaterThanOrEqualTo(
          written + ttl.toMillis());
      assertThat(b.containsKey("k")).isFalse();
      assertThat(b.getAll(Set.of("k"))).isEmpty();
      assertThat(countRows(cluster.dataSource(0), table(b))).as("rows: no sweeper ran").isEqualTo(1);
    }
  }

  @Test
  void reads_failWithCacheException_whenTheNearCacheIsOff_andPostgreSQLDoesNotAnswer() throws Exception {
    try (Cluster cluster = Cluster.builder().nodes(1).property("pgjcache.near-cache.enabled", "false")
        .property("pgjcache.statement-timeout", "PT0.3S").build()) {
      Cache<String, String> cache = cluster.node(0).createCache("timeouts", strings());
      cache.put("k", "v");
      try (TableLock lock = TableLock.on(cluster.dataSource(0), table(cache))) {
        assertThat(catchThrowable(() -> cache.get("k"))).as("get").isInstanceOf(CacheException.class)
            .hasMessageContaining("statement timed out");
        assertThat(catchThrowable(() -> cache.getAll(Set.of("k")))).as("getAll").isInstanceOf(CacheException.class)
            .hasMessageContaining("statement timed out");
      }
      assertThat(cache.get("k")).isEqualTo("v");
    }
  }

  private static void assertReadsPostgreSQLEveryTime(Cluster cluster, Cache<String, String> cache) throws Exception {
    cache.put("k", "v");
    assertThat(cache.get("k")).isEqualTo("v");
    assertThat(cache.get("k")).isEqualTo("v");
    try (TableLock lock = TableLock.on(cluster.dataSource(0), table(cache))) {
      lock.assertWaitsOnTable(cache.getName() + ": get", () -> cache.get("k"));
      lock.assertWaitsOnTable(cache.getName() + ": containsKey", () -> cache.containsKey("k"));
    }
  }

  private static long countRows(DataSource dataSource, String table) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static javax.cache.expiry.Duration jcache(Duration duration) {
    return new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, duration.toMillis());
  }

  static String table(Cache<?, ?> cache) {
    return cache.unwrap(PgCache.class).getTableName();
  }

  static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }
}
