package io.pgjcache.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.embedded.EmbeddedServer;
import java.util.UUID;

/**
 * The PostgreSQL these tests run on: the server named by {@code PGJCACHE_JDBC_URL} when it is set, otherwise
 * the embedded PostgreSQL of pgjcache-embedded, started once for the whole test JVM. Each test works in schemas of its own.
 */
final class TestDatabase {
  private static String url;

  private TestDatabase() {
  }

  static synchronized String url() {
    if (url == null) {
      String configured = System.getenv("PGJCACHE_JDBC_URL");
      url = configured != null && !configured.isBlank() ? configured : EmbeddedServer.jdbcUrl();
    }
    return url;
  }

  /** An application's connection pool on the test database, as Boot would build one. */
  static HikariDataSource dataSource() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url());
    config.setMaximumPoolSize(10);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }

  /** A schema name no other test uses. */
  static String freshSchema() {
    return "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
