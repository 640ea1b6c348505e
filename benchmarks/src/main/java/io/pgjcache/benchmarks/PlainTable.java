package io.pgjcache.benchmarks;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * The reference of every comparison: the cache table an application would write by hand, an UNLOGGED
 * {@code (k bytea PRIMARY KEY, v bytea, expires_at bigint)} with no trigger and no other index, read and written
 * with the obvious statements (a batched read is one {@code = ANY(?)} select, a batched write one {@code unnest}
 * upsert).
 */
public final class PlainTable {
  private PlainTable() {
  }

  /**
   * (Re)creates the table.
   *
   * @param table quoted, schema-qualified name
   */
  public static void create(Statement statement, String table) throws SQLException {
    statement.execute("DROP TABLE IF EXISTS " + table);
    statement.execute("CREATE UNLOGGED TABLE " + table + " (k bytea PRIMARY KEY, v bytea, expires_at bigint)");
  }

  /** The statements on {@code table} (quoted, schema-qualified). */
  public static RawStatements statements(String table) {
    String live = " AND (expires_at IS NULL OR expires_at > ?)";
    String overwrite = " ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, expires_at = EXCLUDED.expires_at";
    return new RawStatements(
        "SELECT v FROM " + table + " WHERE k = ?" + live,
        "INSERT INTO " + table + " (k, v, expires_at) VALUES (?, ?, NULL)" + overwrite,
        "SELECT k, v FROM " + table + " WHERE k = ANY (?)" + live,
        "INSERT INTO " + table + " (k, v, expires_at) SELECT k, v, NULL FROM unnest(?::bytea[], ?::bytea[]) AS u (k, v)"
            + overwrite);
  }
}
