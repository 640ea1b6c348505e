package io.pgjcache.benchmarks.nearcache;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * How often a node read a cache's table, as PostgreSQL counts it ({@code idx_scan + seq_scan} in
 * {@code pg_stat_user_tables}): the measure of a near cache's misses that needs nothing of the provider.
 * PostgreSQL publishes a backend's table statistics asynchronously (at most once a second, or when it has been
 * idle for a while), so the node must have a pool of one connection, which asks for its statistics to be flushed
 * ({@code pg_stat_force_next_flush()}, PostgreSQL 15 or newer) before it answers; the reading then comes from
 * another connection, in a transaction (and so a statistics snapshot) of its own.
 */
final class TableReads {
  private TableReads() {
  }

  /**
   * {@code idx_scan + seq_scan} of {@code table} so far.
   *
   * @param reader   the pool (of one connection) of the node whose reads count
   * @param observer any other pool on the same database
   */
  static long count(DataSource reader, DataSource observer, String table) throws SQLException {
    flush(reader);
    try (Connection c = observer.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0) FROM pg_stat_user_tables"
            + " WHERE relid = '" + table.replace("'", "''") + "'::regclass")) {
      if (!rs.next()) {
        throw new IllegalStateException("no statistics for " + table);
      }
      return rs.getLong(1);
    }
  }

  /** Makes the backend of {@code pool}'s one connection publish its statistics as soon as it is idle. */
  static void flush(DataSource pool) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      if (c.getMetaData().getDatabaseMajorVersion() < 15) {
        throw new IllegalStateException("counting table reads needs pg_stat_force_next_flush(): PostgreSQL 15 or "
            + "newer, not " + c.getMetaData().getDatabaseProductVersion());
      }
      s.execute("SELECT pg_stat_force_next_flush()");
    }
  }
}
