package io.pgjcache.benchmarks;

import io.pgjcache.internal.store.Identifiers;
import io.pgjcache.internal.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A breakdown contender's table: an UNLOGGED copy of a pgjcache cache table ({@code LIKE ... INCLUDING ALL}: same
 * columns, primary key and indexes, plus its storage options) that may also carry the provider's notify triggers
 * (same function, same cache id), which a cache table carries once some node near-caches it. Whatever those
 * triggers send goes to the channel the cache's nodes listen on, so a node that listens pays for a copy's
 * writes as it pays for the cache's.
 *
 * <p>Rows are written the way a hand-written application would use this layout: the key's bytes are both
 * {@code key_digest} and {@code key_bytes} (no digest), {@code expires_at} stays NULL and {@code version} counts
 * up in place (no sequence).
 */
public final class CacheTableCopy {
  private CacheTableCopy() {
  }

  /**
   * (Re)creates {@code table} as a copy of {@code template}, with the template's triggers or without any.
   *
   * @param template quoted, schema-qualified name of a pgjcache cache table
   * @param table    quoted, schema-qualified name of the copy
   */
  public static void create(Connection c, String template, String table, boolean withTriggers) throws SQLException {
    String storageOptions = storageOptions(c, template);
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("CREATE UNLOGGED TABLE " + table + " (LIKE " + template + " INCLUDING ALL)"
          + (storageOptions.isEmpty() ? "" : " WITH (" + storageOptions + ")"));
      if (withTriggers) {
        for (String trigger : triggers(c, template, table)) {
          s.execute(trigger);
        }
      }
    }
  }

  /**
   * Gives a cache table the provider's notify triggers now, as the first node to near-cache its cache would: for
   * measurements of what the triggers cost where no node near-caches.
   */
  public static void addNotifyTriggers(Connection c, String cacheTable) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String trigger : triggers(c, cacheTable, cacheTable)) {
        s.execute(trigger);
      }
    }
  }

  /** The statements on a copy named {@code table} (quoted, schema-qualified); see the class comment. */
  public static RawStatements statements(String table) {
    String live = " AND (expires_at IS NULL OR expires_at > ?)";
    String insert = "INSERT INTO " + table + " AS e (key_digest, key_bytes, value_bytes, expires_at, version)"
        + " SELECT k, k, v, NULL::bigint, 0 FROM ";
    String overwrite = " ON CONFLICT (key_digest) DO UPDATE SET value_bytes = EXCLUDED.value_bytes,"
        + " expires_at = EXCLUDED.expires_at, version = e.version + 1";
    return new RawStatements(
        "SELECT value_bytes FROM " + table + " WHERE key_digest = ?" + live,
        insert + "(VALUES (?::bytea, ?::bytea)) AS r (k, v)" + overwrite,
        "SELECT key_digest, value_bytes FROM " + table + " WHERE key_digest = ANY (?)" + live,
        insert + "unnest(?::bytea[], ?::bytea[]) AS u (k, v)" + overwrite);
  }

  /**
   * The provider's notify triggers for the template's cache, on {@code table} (in the same schema): the same
   * function, channel and cache id as the cache table gets once a node near-caches it (until then it has none).
   */
  private static List<String> triggers(Connection c, String template, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, r.relname, copy.relname, copy.relnamespace ="
        + " r.relnamespace FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace, pg_class copy"
        + " WHERE r.oid = ?::regclass AND copy.oid = ?::regclass")) {
      ps.setString(1, template);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String schema = rs.getString(1);
        if (!rs.getBoolean(4)) {
          throw new IllegalArgumentException(table + " must be in the schema of " + template);
        }
        return Sql.createNotifyTriggers(schema, rs.getString(3), Identifiers.channel(schema),
            cacheId(c, schema, rs.getString(2)));
      }
    }
  }

  private static int cacheId(Connection c, String schema, String cacheTable) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT id FROM " + Identifiers.qualified(schema, "caches") + " WHERE table_name = ?")) {
      ps.setString(1, cacheTable);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException(cacheTable + " is not a cache table of schema " + schema);
        }
        return rs.getInt(1);
      }
    }
  }

  /** The template's storage parameters (fillfactor, autovacuum tuning) as a {@code WITH} list. */
  private static String storageOptions(Connection c, String template) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT coalesce(array_to_string(reloptions, ', '), '') FROM pg_class WHERE oid = ?::regclass")) {
      ps.setString(1, template);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("pgjcache's table " + template + " was not found");
        }
        return rs.getString(1);
      }
    }
  }
}
