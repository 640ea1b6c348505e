package io.pgjcache.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Holds an ACCESS EXCLUSIVE lock on a table from a connection of its own. While it is held, every statement
 * that touches the table waits, so an operation that completes must have been answered from memory: this is
 * how tests tell a near-cache hit from a round trip without looking inside the provider.
 *
 * <p>Operations run on a thread of their own, so one that waits on the table cannot block the test; closing
 * releases the lock and lets such operations finish.
 */
public final class TableLock implements AutoCloseable {
  /** A hit costs microseconds; this is room for a slow, busy machine, not for a round trip that must wait. */
  private static final Duration FROM_MEMORY_WITHIN = Duration.ofSeconds(3);
  /** Long enough for any operation that is not waiting on the table to finish. */
  private static final Duration WAITING_FOR = Duration.ofMillis(300);

  private final Connection connection;
  private final String table;
  private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "table-lock-caller");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Future<?>> pending = new ArrayList<>();

  private TableLock(Connection connection, String table) {
    this.connection = connection;
    this.table = table;
  }

  /** Locks the table (a quoted, qualified name) until {@link #close()}. */
  public static TableLock on(DataSource dataSource, String table) throws SQLException {
    Connection connection = dataSource.getConnection();
    try {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
      }
      return new TableLock(connection, table);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** How many sessions wait for the table now: statements that reached PostgreSQL and wait on the lock. */
  public int waiters() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = ?::regclass")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** The operation's result, which it must produce without touching the locked table. */
  public <T> T fromMemory(String what, Callable<T> operation) {
    Future<T> result = threads.submit(operation);
    pending.add(result);
    try {
      return result.get(FROM_MEMORY_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail(what + " waited on the locked table: it was not served from the near cache");
    } catch (ExecutionException e) {
      return fail(what + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /**
   * Whether the operation completes within the bound (so did not wait on the table); it must not fail. For
   * polling until a copy is in place: a slow hit on a busy machine just means asking again.
   */
  public boolean completesWithin(Duration bound, Callable<?> operation) {
    Future<?> result = threads.submit(operation);
    pending.add(result);
    try {
      result.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return fail("operation failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /** Starts all operations at once and counts those that complete within the bound: the ones served from memory. */
  public int countCompletingWithin(Duration bound, List<? extends Callable<?>> operations) {
    List<Future<?>> started = new ArrayList<>();
    for (Callable<?> operation : operations) {
      Future<?> result = threads.submit(operation);
      pending.add(result);
      started.add(result);
    }
    long deadline = System.nanoTime() + bound.toNanos();
    int completed = 0;
    for (Future<?> result : started) {
      try {
        result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        completed++;
      } catch (TimeoutException e) {
        // waits on the table
      } catch (ExecutionException e) {
        fail("operation failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
    return completed;
  }

  /** Asserts that the operation waits on the locked table, that is, makes a round trip. */
  public void assertWaitsOnTable(String what, Callable<?> operation) {
    Future<?> result = threads.submit(operation);
    pending.add(result);
    try {
      result.get(WAITING_FOR.toMillis(), TimeUnit.MILLISECONDS);
      fail(what + " finished while the table was locked: it did not read PostgreSQL");
    } catch (TimeoutException e) {
      assertThat(result).as(what).isNotDone();
    } catch (ExecutionException e) {
      fail(what + " failed instead of waiting on the table", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  /** Releases the lock, then waits for the operations that were waiting on it. */
  @Override
  public void close() throws SQLException {
    try {
      connection.rollback();
    } finally {
      connection.close();
      threads.shutdown();
    }
    for (Future<?> operation : pending) {
      try {
        operation.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        // Its outcome was asserted, or is of no interest, while the lock was held.
      } catch (TimeoutException e) {
        fail("an operation still waits after the table lock was released");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
