package io.pgjcache.internal.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Which database a connection is connected to, told apart from every other one a pool could reach: the database's
 * name and object id (unique within a server) and when its server started (with microseconds, which sets two
 * servers apart, even clones of one another). A server restart changes the start time, so a mismatch is confirmed
 * by asking both sides again before anything is refused.
 */
public record DatabaseIdentity(String name, long oid, String serverStart) {
  private static final String QUERY = "SELECT d.datname, d.oid, pg_postmaster_start_time()::text"
      + " FROM pg_database d WHERE d.datname = current_database()";

  /** The identity of the database the connection is connected to (one round trip). */
  public static DatabaseIdentity of(Connection connection) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(QUERY); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new DatabaseIdentity(rs.getString(1), rs.getLong(2), rs.getString(3));
    }
  }

  /** For error messages: the name and where it runs, nothing secret. */
  @Override
  public String toString() {
    return "database '" + name + "' (oid " + oid + ", server started " + serverStart + ")";
  }
}
