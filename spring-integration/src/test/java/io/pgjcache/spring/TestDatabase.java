package io.pgjcache.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * The PostgreSQL these tests run on: the server named by {@code PGJCACHE_JDBC_URL} when it is set, otherwise
 * an embedded PostgreSQL started once for the whole test JVM. Each test works in schemas of its own.
 */
final class TestDatabase {
  private static String url;

  private TestDatabase() {
  }

  static synchronized String url() {
    if (url == null) {
      String configured = System.getenv("PGJCACHE_JDBC_URL");
      url = configured != null && !configured.isBlank() ? configured : startEmbedded();
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

  private static String startEmbedded() {
    try {
      EmbeddedPostgres server = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException e) {
          // The JVM is exiting; at worst a temporary data directory stays behind.
        }
      }, "test-postgres-stop"));
      return server.getJdbcUrl("postgres", "postgres");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
    }
  }
}
