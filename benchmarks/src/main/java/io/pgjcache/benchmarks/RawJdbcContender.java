package io.pgjcache.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The baseline: what an application would write by hand for the same job, on a table equal to a pgjcache
 * cache table, through a HikariCP pool of its own.
 *
 * <p>The table is created {@code LIKE} pgjcache's (same columns, types, primary key, indexes and storage
 * options, also UNLOGGED) and carries the same invalidation triggers, so both sides pay for the same row
 * and index layout and the same NOTIFY per write. The application encodes as a
 * reasonable one would: the key's UTF-8 bytes are the primary key (no digest; keys here are short), the
 * value's UTF-8 bytes are the value (no type tag), {@code expires_at} stays NULL, and {@code version} is
 * bumped in place (no sequence). A get is one {@code SELECT} by primary key and a put one
 * {@code INSERT ... ON CONFLICT DO UPDATE}, each a prepared statement on a pooled auto-commit connection,
 * the way pgjcache runs its own.
 */
final class RawJdbcContender implements Contender {
  private static final int LOAD_BATCH = 500;

  private final HikariDataSource pool;
  private final String selectSql;
  private final String upsertSql;

  private RawJdbcContender(HikariDataSource pool, String table) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.selectSql = "SELECT value_bytes FROM " + table + " WHERE key_digest = ?";
    this.upsertSql = "INSERT INTO " + table + " AS e (key_digest, key_bytes, value_bytes, expires_at, version)"
        + " VALUES (?, ?, ?, NULL, 0)"
        + " ON CONFLICT (key_digest) DO UPDATE SET value_bytes = EXCLUDED.value_bytes, version = e.version + 1";
  }

  /**
   * Opens the pool and (re)creates {@code table} as an UNLOGGED copy of {@code templateTable}'s definition.
   *
   * @param poolConfig connection settings (URL, credentials, driver properties); the pool size is set here
   * @param table         quoted, schema-qualified name of the table to create
   * @param templateTable quoted, schema-qualified name of pgjcache's table to copy
   */
  static RawJdbcContender create(HikariConfig poolConfig, int poolSize, String table, String templateTable) {
    poolConfig.setPoolName("raw-jdbc");
    poolConfig.setMaximumPoolSize(poolSize);
    HikariDataSource pool = new HikariDataSource(poolConfig);
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      String storageOptions = storageOptions(c, templateTable);
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("CREATE UNLOGGED TABLE " + table + " (LIKE " + templateTable + " INCLUDING ALL)"
          + (storageOptions.isEmpty() ? "" : " WITH (" + storageOptions + ")"));
      for (String trigger : triggersFor(c, templateTable, table)) {
        s.execute(trigger);
      }
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw new IllegalStateException("Could not create the raw JDBC table " + table + ": " + e.getMessage(), e);
    }
    return new RawJdbcContender(pool, table);
  }

  /** The pool, for setup and clean-up statements of the driver. */
  HikariDataSource pool() {
    return pool;
  }

  @Override
  public String name() {
    return "raw JDBC";
  }

  @Override
  public String get(String key) {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(selectSql)) {
      ps.setBytes(1, key.getBytes(StandardCharsets.UTF_8));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new String(rs.getBytes(1), StandardCharsets.UTF_8) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("raw JDBC get failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void put(String key, String value) {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(upsertSql)) {
      bind(ps, key, value);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("raw JDBC put failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void load(Map<String, String> entries) {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(upsertSql)) {
      int pending = 0;
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        bind(ps, entry.getKey(), entry.getValue());
        ps.addBatch();
        if (++pending == LOAD_BATCH) {
          ps.executeBatch();
          pending = 0;
        }
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("raw JDBC load failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  private static void bind(PreparedStatement ps, String key, String value) throws SQLException {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    ps.setBytes(1, keyBytes);
    ps.setBytes(2, keyBytes);
    ps.setBytes(3, value.getBytes(StandardCharsets.UTF_8));
  }

  /** The template's storage parameters (fillfactor, autovacuum tuning) as a {@code WITH} list. */
  /**
   * The template's invalidation triggers, recreated on {@code table}: an equal table notifies every change
   * as pgjcache's does, so the comparison shows what the provider adds, not what invalidation costs
   * (measured on its own by the write-cost benchmark). The copies name cache id 0, which no cache has.
   */
  private static List<String> triggersFor(Connection c, String templateTable, String table)
      throws SQLException {
    List<String> triggers = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_triggerdef(oid) FROM pg_trigger"
        + " WHERE tgrelid = ?::regclass AND NOT tgisinternal")) {
      ps.setString(1, templateTable);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String definition = rs.getString(1);
          int on = definition.indexOf(" ON ");
          int after = definition.indexOf(' ', on + 4);
          triggers.add(definition.substring(0, on + 4) + table + definition.substring(after)
              .replaceFirst(", '\\d+'\\)$", ", '0')"));
        }
      }
    }
    return triggers;
  }

  private static String storageOptions(Connection c, String templateTable) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT coalesce(array_to_string(reloptions, ', '), '') FROM pg_class WHERE oid = ?::regclass")) {
      ps.setString(1, templateTable);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("pgjcache's table " + templateTable + " was not found");
        }
        return rs.getString(1);
      }
    }
  }
}
