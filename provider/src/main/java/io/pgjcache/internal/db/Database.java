package io.pgjcache.internal.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.cache.CacheException;
import javax.sql.DataSource;

/**
 * Runs units of work on pooled connections and turns every {@link SQLException} into a
 * {@link CacheException} through {@link DatabaseErrors}. Connections are never held between calls,
 * so a database outage costs each operation at most the pool's connection timeout, and the pool
 * reconnects by itself when the database is back.
 */
public final class Database implements Connections {
  /** A unit of work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * What a cache's unit of work does: its error message, built only when one is needed, and the operation under
   * which it is counted.
   */
  public record Operation(String cacheName, String name) implements Supplier<String> {
    @Override
    public String get() {
      return "pgjcache: cache '" + cacheName + "': " + name;
    }
  }

  private final DataSource dataSource;
  /** The identity of the pool's database, learnt when first asked; null until then. */
  private volatile DatabaseIdentity identity;
  /** Told of every unit of work that names its {@link Operation}, before it runs. */
  private final Consumer<Operation> calls;

  public Database(DataSource dataSource, Consumer<Operation> calls) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.calls = Objects.requireNonNull(calls, "calls");
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Runs {@code work} with auto-commit on: each statement is its own transaction. {@code what} names the
   * operation in the error message; it is only built when something fails.
   */
  public <T> T autoCommit(Supplier<String> what, Work<T> work) {
    count(what);
    try (Connection connection = dataSource.getConnection()) {
      if (!connection.getAutoCommit()) {
        connection.setAutoCommit(true);
      }
      return work.run(connection);
    } catch (SQLException e) {
      throw DatabaseErrors.translate(what.get(), e);
    }
  }

  /**
   * The identity of this pool's database, to compare with {@code other}'s: learnt once, and learnt again when it
   * differs from {@code other}, since a restart of the server changes it.
   */
  public DatabaseIdentity identity(DatabaseIdentity other) {
    DatabaseIdentity known = identity;
    if (known == null || !known.equals(other)) {
      known = autoCommit(() -> "pgjcache: learning which database the cache pool is connected to",
          DatabaseIdentity::of);
      identity = known;
    }
    return known;
  }

  /** Each statement in a transaction of its own: {@link #autoCommit}. */
  @Override
  public <T> T run(Supplier<String> what, Work<T> work) {
    return autoCommit(what, work);
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws
   * anything (the exception then propagates unchanged unless it is an {@link SQLException}).
   */
  public <T> T transaction(Supplier<String> what, Work<T> work) {
    count(what);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (Throwable t) {
        rollbackQuietly(connection, t);
        throw t;
      } finally {
        restoreAutoCommit(connection);
      }
    } catch (SQLException e) {
      throw DatabaseErrors.translate(what.get(), e);
    }
  }

  private void count(Supplier<String> what) {
    if (what instanceof Operation operation) {
      calls.accept(operation);
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void restoreAutoCommit(Connection connection) {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      // The connection is broken; the pool discards it on return.
    }
  }
}
