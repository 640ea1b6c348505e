package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.configuration.Setting;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.LogCapture;
import io.pgjcache.testing.Tables;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An entry that the application's classes can no longer read (its class was renamed since it was written) is a
 * miss for every codec: read-through loads a fresh value that replaces it, statistics count the miss, and the log
 * says so once per cache, never an exception from get.
 */
class StaleEntriesIT {
  private static Cluster cluster;

  /** The class as it is now; stored entries are rewritten to name a class that no longer exists. */
  public static final class Order implements Serializable {
    private static final long serialVersionUID = 1L;
    public String id;

    public Order() {
    }

    Order(String id) {
      this.id = id;
    }
  }

  /** Loads a fresh order for any key. */
  public static final class OrderLoader implements CacheLoader<String, Object> {
    @Override
    public Object load(String key) {
      return new Order("loaded-" + key);
    }

    @Override
    public Map<String, Object> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException();
    }
  }

  @BeforeAll
  static void start() {
    cluster = Cluster.builder().nodes(1).property(Setting.SERIAL_FILTER.key(),
        Setting.SERIAL_FILTER.defaultValue().orElseThrow() + ";" + Order.class.getName()).build();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "json", "kryo"})
  void aValueOfARenamedClass_isAMiss_replacedByTheLoader_countedAndLoggedOnce(String codec) throws Exception {
    Cache<String, Object> cache = cluster.node(0).createCache("stale-" + codec,
        new PgCacheConfiguration<String, Object>().setCodec(codec).setNearCacheEnabled(false)
            .setTypes(String.class, Object.class).setReadThrough(true)
            .setCacheLoaderFactory(FactoryBuilder.factoryOf(OrderLoader.class)).setStatisticsEnabled(true));
    cache.put("a", new Order("a"));
    cache.put("b", new Order("b"));
    renameStoredClass(cache);

    try (LogCapture log = LogCapture.start(io.pgjcache.internal.codec.CacheCodec.class.getName())) {
      assertThat(((Order) cache.get("a")).id).isEqualTo("loaded-a");
      assertThat(((Order) cache.get("b")).id).isEqualTo("loaded-b");
      assertThat(log.text().split("cannot read any more", -1)).hasSize(2);
    }
    // Replaced in the table: read again, it is a hit.
    assertThat(((Order) cache.get("a")).id).isEqualTo("loaded-a");
    assertThat(statistic(cache, "CacheMisses")).isEqualTo(2L);
    assertThat(statistic(cache, "CacheHits")).isEqualTo(1L);
    assertThat(cache.unwrap(PgCache.class).getMetrics().getUndecodableEntries()).as("undecodable entries")
        .isEqualTo(2L);
  }

  private static Object statistic(Cache<?, ?> cache, String attribute) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Set<ObjectName> names = server.queryNames(new ObjectName("javax.cache:type=CacheStatistics,Cache="
        + cache.getName() + ",*"), null);
    assertThat(names).hasSize(1);
    return server.getAttribute(names.iterator().next(), attribute);
  }

  /** Rewrites the class name in every stored value to {@code ...$Xrder}, a class that does not exist. */
  private static void renameStoredClass(Cache<String, Object> cache) throws SQLException {
    String table = Tables.tableName(cache);
    try (Connection c = Tables.dataSource(cache).getConnection();
        PreparedStatement select = c.prepareStatement("SELECT key_digest, value_bytes FROM " + table);
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        byte[] value = rs.getBytes(2);
        String text = new String(value, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("$Orde");
        value[at + 1] = 'X';
        boolean json = text.startsWith("{");
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET value_bytes = "
            + (json ? "?::jsonb" : "?") + " WHERE key_digest = ?")) {
          if (json) {
            update.setString(1, new String(value, StandardCharsets.UTF_8));
          } else {
            update.setBytes(1, value);
          }
          update.setBytes(2, rs.getBytes(1));
          update.executeUpdate();
        }
      }
    }
  }
}
