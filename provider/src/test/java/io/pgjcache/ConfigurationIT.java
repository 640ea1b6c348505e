package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.testing.Cluster;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Configuration that only shows against a real database: DataSources handed in, per-cache settings. */
class ConfigurationIT {
  private static final MutableConfiguration<String, String> STRINGS =
      new MutableConfiguration<String, String>().setTypes(String.class, String.class);

  @Test
  void managerOnApplicationDataSource_works_andLeavesItOpenOnClose() throws SQLException {
    try (Cluster cluster = Cluster.of(1);
        HikariDataSource application = applicationPool(cluster.node(0))) {
      Properties properties = PgCachingProvider.dataSourceProperties(application);
      properties.setProperty("pgjcache.schema", cluster.schema());
      CacheManager onApplicationPool = Cluster.provider().getCacheManager(
          URI.create("test:" + cluster.schema() + "-application-pool"), getClass().getClassLoader(), properties);

      Cache<String, String> cache = onApplicationPool.createCache("shared", STRINGS);
      cache.put("k", "v");
      assertThat(onApplicationPool.unwrap(PgCacheManager.class).getDataSource()).isSameAs(application);
      assertThat(cluster.node(0).getCache("shared", String.class, String.class).get("k"))
          .as("seen by a node with its own pool").isEqualTo("v");

      onApplicationPool.close();

      assertThat(application.isClosed()).as("the application's pool is the application's to close").isFalse();
      try (Connection connection = application.getConnection()) {
        assertThat(connection.isValid(1)).isTrue();
      }
    }
  }

  @Test
  void perCacheUnloggedFalse_createsLoggedTable_forCacheNamedLikeAnEntity() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.cache.com.example.Entity.unlogged", "false");
    try (Cluster cluster = Cluster.of(1, properties)) {
      CacheManager manager = cluster.node(0);
      Cache<String, String> entity = manager.createCache("com.example.Entity", STRINGS);
      Cache<String, String> other = manager.createCache("com.example.Other", STRINGS);

      assertThat(persistence(manager, entity)).as("pgjcache.cache.com.example.Entity.unlogged=false").isEqualTo("p");
      assertThat(persistence(manager, other)).as("default").isEqualTo("u");
      assertThat(entity.getConfiguration(PgCacheConfiguration.class).isUnlogged()).isFalse();
    }
  }

  @Test
  void perCacheExpiryAfterWrite_expiresEntries() {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.cache.com.example.Entity.expiry-after-write", "PT0.5S");
    try (Cluster cluster = Cluster.of(1, properties)) {
      Cache<String, String> entity = cluster.node(0).createCache("com.example.Entity", STRINGS);
      Cache<String, String> other = cluster.node(0).createCache("com.example.Other", STRINGS);
      entity.put("k", "v");
      other.put("k", "v");
      assertThat(entity.get("k")).isEqualTo("v");

      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
          .until(() -> entity.get("k") == null);

      assertThat(entity.containsKey("k")).isFalse();
      assertThat(other.get("k")).as("other caches keep their eternal default").isEqualTo("v");
    }
  }

  /** A pool such as an application would own, on the same database as the given manager. */
  private static HikariDataSource applicationPool(CacheManager manager) {
    HikariDataSource ours = (HikariDataSource) manager.unwrap(PgCacheManager.class).getDataSource();
    HikariConfig config = new HikariConfig();
    config.setPoolName("application");
    config.setJdbcUrl(ours.getJdbcUrl());
    config.setUsername(ours.getUsername());
    config.setPassword(ours.getPassword());
    config.setMaximumPoolSize(4);
    return new HikariDataSource(config);
  }

  /** {@code pg_class.relpersistence} of a cache's table: {@code p} logged, {@code u} unlogged. */
  private static String persistence(CacheManager manager, Cache<?, ?> cache) throws SQLException {
    DataSource dataSource = manager.unwrap(PgCacheManager.class).getDataSource();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(
            "SELECT relpersistence FROM pg_class WHERE oid = to_regclass(?)")) {
      select.setString(1, cache.unwrap(PgCache.class).getTableName());
      try (ResultSet rs = select.executeQuery()) {
        assertThat(rs.next()).as("table of " + cache.getName()).isTrue();
        return rs.getString(1);
      }
    }
  }
}
