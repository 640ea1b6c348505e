package io.pgjcache.internal.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A caller's connection, inside the caller's open transaction: statements run on it as they come, and nothing here
 * commits, rolls back, changes auto-commit or closes it, so whatever they change commits or rolls back with the
 * caller's transaction. A failed statement aborts that transaction, as any failed statement in PostgreSQL does.
 *
 * <p>Not thread-safe beyond what the connection is: a JDBC connection serves one thread at a time.
 */
public final class JoinedTransaction implements Connections {
  private final Connection connection;

  private JoinedTransaction(Connection connection) {
    this.connection = connection;
  }

  /**
   * Joins the transaction open on {@code connection}, after checking that it is one and that the connection is to
   * the database the cache lives in.
   *
   * @param what     names the cache for error messages
   * @param database the cache's own database
   * @throws IllegalArgumentException when the connection is in auto-commit mode (no transaction to join) or
   *                                  connected to another database
   */
  public static JoinedTransaction join(String what, Connection connection, Database database) {
    Objects.requireNonNull(connection, "connection");
    DatabaseIdentity found;
    try {
      if (connection.getAutoCommit()) {
        throw new IllegalArgumentException(what + ": the connection is in auto-commit mode, so there is no"
            + " transaction to join; call setAutoCommit(false) first (or use the cache itself)");
      }
      found = DatabaseIdentity.of(connection);
    } catch (SQLException e) {
      throw DatabaseErrors.translate(what + ": joining the caller's transaction", e);
    }
    DatabaseIdentity cacheDatabase = database.identity(found);
    if (!found.equals(cacheDatabase)) {
      throw new IllegalArgumentException(what + ": the connection is to " + found + ", but the cache lives in "
          + cacheDatabase + "; a cache can only join transactions on its own database");
    }
    return new JoinedTransaction(connection);
  }

  @Override
  public <T> T run(Supplier<String> what, Database.Work<T> work) {
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw DatabaseErrors.translate(what.get(), e);
    }
  }
}
