package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgjcache.internal.notify.ListenTarget;
import io.pgjcache.testing.Cluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** {@code pgjcache.statement-timeout} bounds an operation that waits on the database, not only a dead one. */
class StatementTimeoutIT {
  private static final Duration STATEMENT_TIMEOUT = Duration.ofMillis(500);

  @Test
  void operations_failWithTimeout_whileTableIsLocked_andWorkOnceReleased() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.statement-timeout", "PT0.5S");
    try (Cluster cluster = Cluster.of(1, properties)) {
      Cache<String, String> cache = cluster.node(0).createCache("locked",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      cache.put("k", "v");

      try (Connection locker = cluster.node(0).unwrap(PgCacheManager.class).getDataSource().getConnection()) {
        locker.setAutoCommit(false);
        try (Statement statement = locker.createStatement()) {
          statement.execute("LOCK TABLE " + cache.unwrap(PgCache.class).getTableName() + " IN ACCESS EXCLUSIVE MODE");
        }

        assertTimesOut("get", () -> cache.get("k"));
        assertTimesOut("put", () -> cache.put("k", "w"));

        locker.rollback();
      }

      assertThat(cache.get("k")).isEqualTo("v");
      cache.put("k", "w");
      assertThat(cache.get("k")).isEqualTo("w");
    }
  }

  /** pgjdbc lets a URL's own {@code options} replace the startup parameter that carries pgjcache's timeout. */
  @Test
  void aUrlWithOptionsOfItsOwn_keepsThem_andTheStatementTimeoutStillHolds() throws SQLException {
    try (Cluster plain = Cluster.of(1)) {
      ListenTarget database = plain.database();
      Properties properties = new Properties();
      properties.setProperty("pgjcache.jdbc.url",
          plain.jdbcUrlVia(database.host(), database.port()) + "&options=-c%20work_mem%3D7MB");
      properties.setProperty("pgjcache.statement-timeout", "PT0.5S");
      try (Cluster withOptions = Cluster.of(1, properties);
          Connection c = withOptions.dataSource(0).getConnection(); Statement statement = c.createStatement()) {
        assertThat(show(statement, "work_mem")).as("the URL's own option").isEqualTo("7MB");
        assertThat(show(statement, "statement_timeout")).isEqualTo("500ms");
      }
    }
  }

  private static String show(Statement statement, String setting) throws SQLException {
    try (ResultSet rs = statement.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void assertTimesOut(String what, ThrowingCallable operation) {
    long start = System.nanoTime();
    Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> catchThrowable(operation),
        what + " hung");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(thrown).as(what).isInstanceOf(CacheException.class).hasMessageContaining("statement timed out")
        .hasMessageContaining("pgjcache.statement-timeout");
    assertThat(thrown.getCause()).as(what).isInstanceOf(SQLException.class);
    assertThat(((SQLException) thrown.getCause()).getSQLState()).as(what).isEqualTo("57014");
    assertThat(took).as(what + " took").isBetween(STATEMENT_TIMEOUT.minusMillis(100), Duration.ofSeconds(3));
  }
}
