package io.pgjcache.internal.store;

import io.pgjcache.internal.codec.ValueForm;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.postgresql.util.PGobject;

/**
 * The type of a cache table's value column, {@code value_bytes}, chosen once per cache from its codec: the one place
 * that knows it. Statements are the same for both types: a {@code jsonb} value is bound as a typed {@link PGobject},
 * and read back with {@code getBytes}, which pgjdbc hands over as the document's UTF-8 text.
 */
public enum ValueColumn {
  BYTEA("bytea"),
  /** JSON documents, readable and queryable in SQL ({@code value_bytes->>'status'}). */
  JSONB("jsonb");

  private final String sqlType;

  ValueColumn(String sqlType) {
    this.sqlType = sqlType;
  }

  /** The column of a cache whose codec has this name. */
  public static ValueColumn of(String codecName) {
    return ValueForm.ofCodec(codecName) == ValueForm.JSON ? JSONB : BYTEA;
  }

  String sqlType() {
    return sqlType;
  }

  /** A value of this column's type for a row that holds none yet (see {@code Sql.Table#claim}). */
  String placeholder() {
    return this == BYTEA ? "''::bytea" : "'null'::jsonb";
  }

  /** An array of values of this column, for statements that write many rows. */
  Array array(Connection c, byte[][] values) throws SQLException {
    if (this == BYTEA) {
      return c.createArrayOf(sqlType, values);
    }
    String[] documents = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      documents[i] = new String(values[i], StandardCharsets.UTF_8);
    }
    return c.createArrayOf(sqlType, documents);
  }

  void bind(PreparedStatement ps, int index, byte[] value) throws SQLException {
    if (this == BYTEA) {
      ps.setBytes(index, value);
      return;
    }
    PGobject document = new PGobject();
    document.setType(sqlType);
    document.setValue(new String(value, StandardCharsets.UTF_8));
    ps.setObject(index, document);
  }
}
