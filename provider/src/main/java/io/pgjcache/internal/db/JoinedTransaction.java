package io.pgjcache.internal.db;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Supplier;
import org.postgresql.PGConnection;

/**
 * A caller's connection, inside the caller's open transaction: statements run on it as they come, and nothing here
 * commits, rolls back, changes auto-commit or closes it, so whatever they change commits or rolls back with the
 * caller's transaction. A failed statement aborts that transaction, as any failed statement in PostgreSQL does.
 *
 * <p>Not thread-safe beyond what the connection is: a JDBC connection serves one thread at a time. Joining is
 * thread-safe: the remembered identities sit in a concurrent map, so joins on different connections take no
 * lock in common.
 */
public final class JoinedTransaction implements Connections {
  /**
   * The database of each physical connection that joined, once asked. A PostgreSQL connection never changes
   * database, so a pooled connection that joins one transaction after another pays the check's round trip once
   * (it was a fifth of the round trips of a short Spring transaction that puts). Keyed weakly (by identity) by
   * pgjdbc's own connection, behind any pool's wrapper: a closed connection's entry goes with it. Behind PgBouncer
   * a client connection outlives a restart or failover of the server, which changes the identity: a remembered
   * answer that disagrees is therefore asked again before anything is refused.
   */
  private static final Cache<PGConnection, DatabaseIdentity> KNOWN = Caffeine.newBuilder().weakKeys().build();

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
      PGConnection physical = connection.isWrapperFor(PGConnection.class)
          ? connection.unwrap(PGConnection.class) : null;
      DatabaseIdentity remembered = physical == null ? null : KNOWN.getIfPresent(physical);
      if (remembered != null && remembered.equals(database.identity(remembered))) {
        return new JoinedTransaction(connection);
      }
      found = DatabaseIdentity.of(connection);
      if (physical != null) {
        KNOWN.put(physical, found);
      }
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

  /** Test hook: makes the connection's remembered identity {@code identity}, as a stale one would be. */
  static void remember(Connection connection, DatabaseIdentity identity) throws SQLException {
    KNOWN.put(connection.unwrap(PGConnection.class), identity);
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
