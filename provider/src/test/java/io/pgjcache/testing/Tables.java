package io.pgjcache.testing;

import io.pgjcache.PgCache;
import io.pgjcache.PgCacheManager;
import io.pgjcache.internal.codec.KeyDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.cache.Cache;
import javax.sql.DataSource;

/**
 * Looks at a cache's table with plain JDBC, below the JCache API: what is really stored, expired rows
 * included. Keys are found the way the provider finds them, by their row key (see {@link #rowKey}).
 */
public final class Tables {

  private Tables() {
  }

  /** The DataSource of the node that owns this cache. */
  public static DataSource dataSource(Cache<?, ?> cache) {
    return cache.getCacheManager().unwrap(PgCacheManager.class).getDataSource();
  }

  /** The quoted, schema-qualified table of a cache. */
  public static String tableName(Cache<?, ?> cache) {
    return cache.unwrap(PgCache.class).getTableName();
  }

  /** Every row of the cache's table, expired or not. */
  public static long rowCount(Cache<?, ?> cache) {
    return query(cache, "SELECT count(*) FROM " + tableName(cache), null);
  }

  /** Whether the key has a row, expired or not. */
  public static boolean hasRow(Cache<?, ?> cache, Object key) {
    return query(cache, "SELECT count(*) FROM " + tableName(cache) + " WHERE key_digest = ?",
        rowKey(cache, key)) == 1;
  }

  /** The row's {@code expires_at} in epoch milliseconds, {@link Long#MAX_VALUE} when it is NULL (eternal). */
  public static long expiresAt(Cache<?, ?> cache, Object key) {
    String sql = "SELECT coalesce(expires_at, " + Long.MAX_VALUE + ") FROM " + tableName(cache)
        + " WHERE key_digest = ?";
    return query(cache, sql, rowKey(cache, key));
  }

  /** Whether a table of this (qualified, quoted) name exists in the cluster's database. */
  public static boolean tableExists(DataSource dataSource, String qualifiedName) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, qualifiedName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Takes the row lock of a key's row in a transaction of its own, as another client's
   * {@code SELECT ... FOR UPDATE} would, until closed. Fails if the key has no row.
   */
  public static RowLock lockRow(Cache<?, ?> cache, Object key) {
    byte[] rowKey = rowKey(cache, key);
    return holding(cache, "SELECT 1 FROM " + tableName(cache) + " WHERE key_digest = ? FOR UPDATE", ps -> {
      ps.setBytes(1, rowKey);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("No row to lock for key " + key);
        }
      }
    });
  }

  /**
   * Inserts an eternal entry in a transaction of its own, as another client's SQL would, left open until committed or
   * closed: other transactions do not see the row, and an insert of the same key waits for it. For caches whose
   * values are {@code bytea} in the default encoding.
   */
  public static RowLock insertUncommitted(Cache<?, ?> cache, Object key, Object value) {
    byte[] rowKey = rowKey(cache, key);
    String sql = "INSERT INTO " + tableName(cache) + " (key_digest, key_bytes, value_bytes, expires_at, version)"
        + " VALUES (?, ?, ?, NULL, 1)";
    return holding(cache, sql, ps -> {
      ps.setBytes(1, rowKey);
      ps.setBytes(2, Operator.encoded(key));
      ps.setBytes(3, Operator.encoded(value));
      ps.executeUpdate();
    });
  }

  /** What a statement does in {@link #holding}. */
  @FunctionalInterface
  private interface StatementRun {
    void run(PreparedStatement statement) throws SQLException;
  }

  /** Runs one statement in a transaction of its own, which the returned lock keeps open until closed. */
  private static RowLock holding(Cache<?, ?> cache, String sql, StatementRun run) {
    try {
      Connection c = dataSource(cache).getConnection();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        c.setAutoCommit(false);
        run.run(ps);
        return new RowLock(c);
      } catch (SQLException | RuntimeException | Error e) {
        c.close();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Test SQL failed: " + sql, e);
    }
  }

  /** A row lock, or an uncommitted row, held by an open transaction; closing rolls it back unless committed. */
  public static final class RowLock implements AutoCloseable {
    private final Connection connection;

    private RowLock(Connection connection) {
      this.connection = connection;
    }

    /** Commits the transaction and ends it. */
    public void commit() throws SQLException {
      try (connection) {
        connection.commit();
        connection.setAutoCommit(true);
      }
    }

    /** Idempotent: a test may give the lock back early. */
    @Override
    public void close() throws SQLException {
      if (connection.isClosed()) {
        return;
      }
      try (connection) {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    }
  }

  /** Sessions of this database waiting for a lock while running a statement on the cache's table. */
  public static long sessionsWaitingForLocksOn(Cache<?, ?> cache) {
    String sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND strpos(query, ?) > 0";
    try (Connection c = dataSource(cache).getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, bareTableName(cache));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Test SQL failed: " + sql, e);
    }
  }

  /**
   * Sessions of this database waiting for the advisory lock of a cache key, which another transaction holds. The
   * lock's second half is the key's lock number; the first (the cache's registry id) is left out.
   */
  public static long sessionsWaitingForKeyLock(Cache<?, ?> cache, Object key) {
    String sql = "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
        + " WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted AND l.objid = ?::oid";
    try (Connection c = dataSource(cache).getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, Integer.toUnsignedLong(KeyDigest.lockKey(Operator.digestOf(key))));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Test SQL failed: " + sql, e);
    }
  }

  /**
   * The row key of a cache key in this cache's table: its encoding when shorter than a digest, unless the cache keys
   * every row by its digest (caches registered with {@code pgjcache.verbatim-short-keys=false}).
   */
  public static byte[] rowKey(Cache<?, ?> cache, Object key) {
    String table = tableName(cache);
    String registry = table.substring(0, table.lastIndexOf(".\"")) + ".caches";
    String sql = "SELECT verbatim_short_keys FROM " + registry + " WHERE table_name = ?";
    try (Connection c = dataSource(cache).getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, bareTableName(cache));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("No registry row for the table " + table);
        }
        return rs.getBoolean(1) ? Operator.rowKeyOf(key) : Operator.digestOf(key);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Test SQL failed: " + sql, e);
    }
  }

  /** The cache's table name without its schema and quotes (table names are slugs: no quote inside). */
  private static String bareTableName(Cache<?, ?> cache) {
    String table = tableName(cache);
    return table.substring(table.lastIndexOf(".\"") + 2, table.length() - 1);
  }

  private static long query(Cache<?, ?> cache, String sql, byte[] parameter) {
    try (Connection c = dataSource(cache).getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (parameter != null) {
        ps.setBytes(1, parameter);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("No row for: " + sql);
        }
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Test SQL failed: " + sql, e);
    }
  }
}
