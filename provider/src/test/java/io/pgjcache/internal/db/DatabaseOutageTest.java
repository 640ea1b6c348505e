package io.pgjcache.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/** Which failures mean "PostgreSQL is down", as the pool and the driver report them. */
class DatabaseOutageTest {
  @Test
  void connectionRefused_throughThePool_isAnOutage() {
    assertThat(isOutage(pooled(new SQLException("Connection refused", "08001")))).isTrue();
    assertThat(isOutage(new SQLException("the database system is starting up", "57P03"))).isTrue();
  }

  @Test
  void refusedLogin_isNoOutage_thoughThePoolReportsItAsAConnectionFailure() {
    assertThat(isOutage(pooled(new SQLException("password authentication failed", "28P01")))).isFalse();
  }

  @Test
  void startupParameterRefusedByPgBouncer_isNoOutage() {
    assertThat(isOutage(pooled(new SQLException("unsupported startup parameter: options", "08P01")))).isFalse();
  }

  @Test
  void otherDatabaseErrors_areNoOutage() {
    assertThat(isOutage(new SQLException("permission denied for database", "42501"))).isFalse();
    assertThat(DatabaseOutage.isOutage(new CacheException("no SQL cause"))).isFalse();
  }

  /** As HikariCP reports a connection it could not make: its own exception, the driver's as the cause. */
  private static SQLException pooled(SQLException driver) {
    return new SQLTransientConnectionException("pool - Connection is not available", null, driver);
  }

  private static boolean isOutage(SQLException e) {
    return DatabaseOutage.isOutage(DatabaseErrors.translate("pgjcache: creating schema s", e));
  }
}
