package io.pgjcache.examples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Looks at what pgjcache stored, with plain JDBC: the registry of caches, the rows of one cache
 * table, and whether that table is UNLOGGED. This is what an operator would see in {@code psql}.
 */
final class TableInspector {
  /** One row of {@code <schema>.caches}. */
  record RegistryRow(String name, String tableName) {
  }

  /** One row of a cache table, as sizes: keys and values are stored as encoded bytes. */
  record EntryRow(int keyBytes, int valueBytes, Long expiresAt) {
  }

  private final DataSource dataSource;

  TableInspector(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** Every cache registered in {@code schema}, by name. */
  List<RegistryRow> registry(String schema) throws SQLException {
    String sql = "SELECT name, table_name FROM " + quote(schema) + ".caches ORDER BY name";
    List<RegistryRow> rows = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql);
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        rows.add(new RegistryRow(rs.getString("name"), rs.getString("table_name")));
      }
    }
    return rows;
  }

  /**
   * Up to {@code limit} rows of a cache table.
   *
   * @param qualifiedTable the table name as {@code PgCache.getTableName()} gives it: already quoted
   */
  List<EntryRow> entries(String qualifiedTable, int limit) throws SQLException {
    String sql = "SELECT octet_length(key_bytes), octet_length(value_bytes), expires_at FROM " + qualifiedTable
        + " ORDER BY key_bytes LIMIT ?";
    List<EntryRow> rows = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setInt(1, limit);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.add(new EntryRow(rs.getInt(1), rs.getInt(2), rs.getObject(3, Long.class)));
        }
      }
    }
    return rows;
  }

  /** {@code pg_class.relpersistence} of a table: {@code 'u'} unlogged, {@code 'p'} permanent (logged). */
  String persistence(String qualifiedTable) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(
            "SELECT relpersistence FROM pg_class WHERE oid = ?::regclass")) {
      select.setString(1, qualifiedTable);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("No table " + qualifiedTable);
        }
        return rs.getString(1);
      }
    }
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
