package io.pgjcache.spring.boot4;

import io.pgjcache.embedded.EmbeddedServer;
import java.util.UUID;

/**
 * The PostgreSQL these tests run on: the server named by {@code PGJCACHE_JDBC_URL} when it is set, otherwise
 * the embedded PostgreSQL of pgjcache-embedded, started once for the whole test JVM.
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

  /** A schema name no other test uses. */
  static String freshSchema() {
    return "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
