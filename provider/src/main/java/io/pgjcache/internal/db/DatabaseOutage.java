package io.pgjcache.internal.db;

import java.sql.SQLException;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * The one place that says what counts as "PostgreSQL is down" and what a manager does then instead of failing:
 * operations fail fast (they always did), while the steps an application takes to start (making the manager,
 * opening caches, looking them up) carry on with what this node knows and finish when the database is back.
 */
public final class DatabaseOutage {
  private DatabaseOutage() {
  }

  /** SQLState of a protocol violation. */
  private static final String PROTOCOL_VIOLATION = "08P01";

  /**
   * Whether the failure means the database could not be reached (it may work later), as opposed to one that
   * waiting will not cure. Two of those also reach us as connection failures, and are no outage: a refused login,
   * and a protocol violation, which is how the server, or a pooler in front of it, refuses what we sent (PgBouncer
   * refuses the startup parameter that carries the statement timeout so). The pool wraps the driver's exception,
   * so every {@link SQLException} in the chain counts.
   */
  public static boolean isOutage(CacheException e) {
    boolean unavailable = false;
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql) {
        if (DatabaseErrors.isLoginRejected(sql) || PROTOCOL_VIOLATION.equals(sql.getSQLState())) {
          return false;
        }
        unavailable |= DatabaseErrors.isUnavailable(sql);
      }
    }
    return unavailable;
  }

  /**
   * The result of {@code work}, or, when it fails because the database is down, what {@code whileDown} makes of
   * that failure. Any other failure is thrown.
   */
  public static <T> T orElse(Supplier<T> work, Function<CacheException, T> whileDown) {
    try {
      return work.get();
    } catch (CacheException e) {
      if (!isOutage(e)) {
        throw e;
      }
      return whileDown.apply(e);
    }
  }
}
