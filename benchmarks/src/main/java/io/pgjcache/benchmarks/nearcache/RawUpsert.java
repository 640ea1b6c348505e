package io.pgjcache.benchmarks.nearcache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import javax.sql.DataSource;

/**
 * One thread's raw JDBC writer: pgjcache's single-statement put (advisory lock on the key, as in caches of earlier
 * versions' form, then {@code INSERT ... ON CONFLICT DO UPDATE}, version from the schema's sequence), auto-commit, on
 * a connection and a prepared statement it keeps, for keys in a Zipf order.
 */
final class RawUpsert implements ThroughputProbe.Worker {
  private final Connection connection;
  private final PreparedStatement upsert;
  private final WriteKeys data;
  private final int lockClass;
  private final int[] order;
  private int position;

  /**
   * @param table     quoted, schema-qualified table
   * @param sequence  quoted, schema-qualified version sequence
   * @param lockClass first half of the advisory lock, the role pgjcache gives the cache id
   */
  RawUpsert(DataSource dataSource, String table, String sequence, int lockClass, WriteKeys data, int[] order)
      throws SQLException {
    this.connection = dataSource.getConnection();
    this.connection.setAutoCommit(true);
    this.upsert = connection.prepareStatement(sql(table, sequence));
    this.data = data;
    this.lockClass = lockClass;
    this.order = order;
  }

  /**
   * The statement text of pgjcache's {@code put} as a cache of earlier versions' form runs it, which takes the key's
   * advisory lock (its {@code Sql.Table.putOne}, without the announcement).
   */
  static String sql(String table, String sequence) {
    return "INSERT INTO " + table + " AS e (key_digest, key_bytes, value_bytes, expires_at, version)"
        + " SELECT ?, ?, ?, ?, nextval('" + sequence.replace("'", "''") + "') FROM pg_advisory_xact_lock(?, ?)"
        + " ON CONFLICT (key_digest) DO UPDATE SET value_bytes = EXCLUDED.value_bytes,"
        + " expires_at = CASE WHEN e.expires_at <= ? THEN EXCLUDED.expires_at"
        + " WHEN ? THEN e.expires_at ELSE ?::bigint END,"
        + " version = EXCLUDED.version";
  }

  @Override
  public void runOnce() throws SQLException {
    int key = order[position++ % order.length];
    upsert.setBytes(1, data.rowKeys[key]);
    upsert.setBytes(2, data.keyBytes[key]);
    upsert.setBytes(3, data.valueBytes[key]);
    upsert.setNull(4, Types.BIGINT); // eternal
    upsert.setInt(5, lockClass);
    upsert.setInt(6, WriteKeys.lockKey(data.digests[key]));
    upsert.setLong(7, System.currentTimeMillis());
    upsert.setBoolean(8, true); // eternal entries keep their (absent) expiry on update
    upsert.setNull(9, Types.BIGINT);
    upsert.executeUpdate();
  }

  @Override
  public void close() throws SQLException {
    try {
      upsert.close();
    } finally {
      connection.close();
    }
  }
}
