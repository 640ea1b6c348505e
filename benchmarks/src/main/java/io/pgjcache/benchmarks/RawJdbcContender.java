package io.pgjcache.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * What an application would write by hand for the same job: prepared statements ({@link RawStatements}) on a
 * pooled auto-commit connection of a HikariCP pool of its own, one statement per call, a batch being one statement
 * too. Keys and values are stored as their UTF-8 bytes (no type tag, no digest: keys here are short).
 */
final class RawJdbcContender implements Contender {
  private final String name;
  private final HikariDataSource pool;
  private final RawStatements sql;

  /**
   * @param poolConfig connection settings (URL, credentials, driver properties); the name and size are set here
   * @param sql        the statements on a table that exists already
   */
  RawJdbcContender(String name, HikariConfig poolConfig, int poolSize, RawStatements sql) {
    this.name = Objects.requireNonNull(name, "name");
    this.sql = Objects.requireNonNull(sql, "sql");
    poolConfig.setPoolName("raw-jdbc-" + name.replaceAll("[^A-Za-z0-9]+", "-"));
    poolConfig.setMaximumPoolSize(poolSize);
    this.pool = new HikariDataSource(poolConfig);
  }

  /** The pool, for setup and clean-up statements of the driver. */
  HikariDataSource pool() {
    return pool;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String get(String key) {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql.get())) {
      ps.setBytes(1, utf8(key));
      ps.setLong(2, System.currentTimeMillis());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? text(rs.getBytes(1)) : null;
      }
    } catch (SQLException e) {
      throw failed("get", e);
    }
  }

  @Override
  public void put(String key, String value) {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql.put())) {
      ps.setBytes(1, utf8(key));
      ps.setBytes(2, utf8(value));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failed("put", e);
    }
  }

  @Override
  public Map<String, String> getAll(SortedSet<String> keys) {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql.getAll())) {
      Array array = c.createArrayOf("bytea", utf8(keys));
      ps.setArray(1, array);
      ps.setLong(2, System.currentTimeMillis());
      Map<String, String> found = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.put(text(rs.getBytes(1)), text(rs.getBytes(2)));
        }
      }
      array.free();
      return found;
    } catch (SQLException e) {
      throw failed("getAll", e);
    }
  }

  @Override
  public void putAll(SortedMap<String, String> entries) {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql.putAll())) {
      Array keys = c.createArrayOf("bytea", utf8(entries.keySet()));
      Array values = c.createArrayOf("bytea", utf8(entries.values()));
      ps.setArray(1, keys);
      ps.setArray(2, values);
      ps.executeUpdate();
      keys.free();
      values.free();
    } catch (SQLException e) {
      throw failed("putAll", e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[][] utf8(Collection<String> texts) {
    return texts.stream().map(RawJdbcContender::utf8).toArray(byte[][]::new);
  }

  private static String text(byte[] utf8) {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private IllegalStateException failed(String operation, SQLException e) {
    return new IllegalStateException(name + " " + operation + " failed: " + e.getMessage(), e);
  }
}
