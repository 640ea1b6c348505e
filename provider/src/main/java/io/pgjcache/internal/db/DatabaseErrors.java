package io.pgjcache.internal.db;

import io.pgjcache.configuration.Setting;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.CacheException;

/**
 * The one place that decides what a failed statement means to the application. SQLState classes
 * drive it: {@code 08} (connection), {@code 57P0x} (server shutting down or starting) and
 * {@code 53300} (too many connections) mean the database is unavailable; a pool that timed out waiting
 * for one of its own connections without having failed to open one means the pool is exhausted, not the
 * database; {@code 57014} means a
 * statement timed out; {@code 42P01} means the cache's table was dropped (the cache was destroyed);
 * class {@code 28} means the server refused the login.
 */
public final class DatabaseErrors {
  /** SQLState of a missing table. */
  public static final String UNDEFINED_TABLE = "42P01";
  /**
   * How PgBouncer refuses the {@code options} startup parameter that carries our statement timeout: "... startup
   * parameter: options" before 1.20, "... startup parameter in options: statement_timeout" since.
   */
  private static final String REFUSED_PARAMETER = "unsupported startup parameter";

  /** The figures HikariCP puts in its checkout timeout: {@code (total=2, active=2, idle=0, waiting=7)}. */
  private static final Pattern POOL_FIGURES =
      Pattern.compile("\\(total=\\d+, active=\\d+, idle=\\d+, waiting=\\d+\\)");

  private DatabaseErrors() {
  }

  /**
   * Whether a pool gave up waiting for a connection while every one it has was busy: it timed out without a
   * failure to connect behind it (HikariCP then carries the last connection failure as the cause).
   */
  public static boolean isPoolExhausted(SQLException e) {
    return e instanceof SQLTransientConnectionException && !(e.getCause() instanceof SQLException)
        && e.getSQLState() == null;
  }

  /** Whether the database could not be reached or went away; the operation may succeed later. */
  public static boolean isUnavailable(SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("57P0") || state.equals("53300"));
  }

  /** Whether the server refused the login: wrong user or password, or no pg_hba.conf entry. */
  public static boolean isLoginRejected(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("28");
  }

  /** Whether the role lacks a privilege the statement needs (for example a superuser's). */
  public static boolean isInsufficientPrivilege(SQLException e) {
    return "42501".equals(e.getSQLState());
  }

  public static boolean isUndefinedTable(SQLException e) {
    return UNDEFINED_TABLE.equals(e.getSQLState());
  }

  /** A {@link CacheException} that names the operation, the kind of failure and keeps the cause. */
  public static CacheException translate(String what, SQLException e) {
    if (isPoolExhausted(e)) {
      return poolExhausted(what, e);
    }
    String kind;
    if (isLoginRejected(e)) {
      kind = "login rejected (check pgjcache.jdbc.user and pgjcache.jdbc.password)";
    } else if (isUnavailable(e)) {
      kind = "database unavailable";
    } else if ("57014".equals(e.getSQLState())) {
      kind = "statement timed out (pgjcache.statement-timeout)";
    } else if (isUndefinedTable(e)) {
      kind = "cache table is missing (was the cache destroyed?)";
    } else {
      kind = "database error";
    }
    String state = e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]";
    String reason = e.getMessage();
    if (e instanceof SQLTransientConnectionException && e.getCause() instanceof SQLException cause) {
      // The pool timed out waiting for a connection; why it could not make one is in the cause.
      reason += ": " + cause.getMessage();
    }
    if (reason != null && reason.contains(REFUSED_PARAMETER) && reason.contains("options")) {
      reason += " (a connection pooler such as PgBouncer refuses the parameter that carries "
          + "pgjcache.statement-timeout: set it to PT0S there)";
    }
    return new CacheException(what + " failed: " + kind + state + ": " + reason, e);
  }

  private static CacheException poolExhausted(String what, SQLException e) {
    Matcher figures = POOL_FIGURES.matcher(String.valueOf(e.getMessage()));
    return new CacheException(what + " failed: connection pool exhausted: every connection stayed in use for the "
        + "whole wait " + (figures.find() ? figures.group() + " " : "") + "while the database answered. Raise "
        + Setting.POOL_SIZE.key() + " (or the size of the application's DataSource), shorten what holds "
        + "connections, or wait longer with " + Setting.CONNECTION_TIMEOUT.key() + ". Pool said: " + e.getMessage(),
        e);
  }
}
