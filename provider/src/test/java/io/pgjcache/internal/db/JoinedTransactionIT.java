package io.pgjcache.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.testing.Cluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database identity a joined connection remembers goes stale when the server behind it restarts while the
 * connection lives on (as a client connection to PgBouncer does): the join asks again rather than refusing.
 */
class JoinedTransactionIT {
  private static Cluster cluster;
  private static Database database;

  @BeforeAll
  static void start() {
    cluster = Cluster.of(1);
    database = new Database(cluster.dataSource(), operation -> { });
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aRememberedIdentityFromBeforeARestart_isAskedAgain_andTheJoinSucceeds() throws SQLException {
    try (Connection c = cluster.dataSource().getConnection()) {
      c.setAutoCommit(false);
      JoinedTransaction.join("test", c, database);
      DatabaseIdentity current = DatabaseIdentity.of(c);
      // What the connection would remember had it joined before the server restarted under it.
      JoinedTransaction.remember(c, new DatabaseIdentity(current.name(), current.oid(), "an earlier start"));

      JoinedTransaction joined = JoinedTransaction.join("test", c, database);

      Boolean answered = joined.run(() -> "reading", connection -> {
        try (Statement s = connection.createStatement()) {
          return s.execute("SELECT 1");
        }
      });
      assertThat(answered).isTrue();
      c.rollback();
    }
  }

  @Test
  void aConnectionToAnotherDatabase_rememberedAsTheCachesOwn_isStillRefused() throws SQLException {
    var target = cluster.database();
    String other = target.database().equals("postgres") ? "template1" : "postgres";
    String url = "jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + other;
    try (Connection own = cluster.dataSource().getConnection();
        Connection c = DriverManager.getConnection(url, target.user(), target.password())) {
      c.setAutoCommit(false);
      // Even a remembered answer naming the cache's own database is checked again when it is out of date.
      DatabaseIdentity cachesOwn = DatabaseIdentity.of(own);
      JoinedTransaction.remember(c, new DatabaseIdentity(cachesOwn.name(), cachesOwn.oid(), "an earlier start"));

      assertThatThrownBy(() -> JoinedTransaction.join("test", c, database))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + other + "'");
      // And refused again on the next try, now that the true answer is remembered.
      assertThatThrownBy(() -> JoinedTransaction.join("test", c, database))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + other + "'");
    }
  }
}
