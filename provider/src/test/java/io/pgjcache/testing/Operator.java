package io.pgjcache.testing;

import io.pgjcache.configuration.Setting;
import io.pgjcache.internal.codec.DefaultCodec;
import io.pgjcache.internal.codec.KeyDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Someone with a SQL prompt on the cache tables: changes rows behind the provider's back, the way an operator
 * fixing data by hand would. Keys and values are encoded as the provider encodes them.
 */
public final class Operator {
  private static final DefaultCodec CODEC = new DefaultCodec(Setting.SERIAL_FILTER.defaultValue().orElseThrow());

  private final DataSource dataSource;

  public Operator(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A key's primary key in a cache table of this version: its encoding when shorter than a digest. */
  public static byte[] rowKeyOf(Object key) {
    byte[] encoded = CODEC.encode(key);
    return encoded.length < KeyDigest.LENGTH ? encoded : KeyDigest.of(encoded);
  }

  /** A key's digest, which notifications and error messages name it by. */
  public static byte[] digestOf(Object key) {
    return KeyDigest.of(CODEC.encode(key));
  }

  /** A value as the provider stores it. */
  public static byte[] encoded(Object value) {
    return CODEC.encode(value);
  }

  /** Runs one statement in a transaction of its own and commits; returns the rows it changed. */
  public int execute(String sql, Object... parameters) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = prepare(connection, sql, parameters)) {
      return statement.executeUpdate();
    }
  }

  /** Runs the statements in one transaction and commits it. */
  public void commit(List<String> statements) throws SQLException {
    inTransaction(statements, true);
  }

  /** Runs the statements in one transaction and rolls it back: nothing happened. */
  public void rollBack(List<String> statements) throws SQLException {
    inTransaction(statements, false);
  }

  private void inTransaction(List<String> statements, boolean commit) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        for (String sql : statements) {
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
          }
        }
      } finally {
        if (commit) {
          connection.commit();
        } else {
          connection.rollback();
        }
        connection.setAutoCommit(true);
      }
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < parameters.length; i++) {
      statement.setObject(i + 1, parameters[i]);
    }
    return statement;
  }
}
