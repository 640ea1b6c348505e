package io.pgjcache.testing;

import io.pgjcache.internal.store.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on a schema's invalidation channel from a connection of its own, to show what the provider's
 * triggers send. Delivery latency does not matter here, so plain pgjdbc does.
 */
public final class NotificationTap implements AutoCloseable {
  /** Where {@link #payloadsCommittedSoFar} sends its markers: nobody else listens there. */
  private static final String MARKER_CHANNEL = "pgjcache_test_tap_marker";

  private final Connection connection;
  private final PGConnection pg;
  private final Deque<String> arrivedEarlier = new ArrayDeque<>();

  private NotificationTap(Connection connection) throws SQLException {
    this.connection = connection;
    this.pg = connection.unwrap(PGConnection.class);
  }

  public static NotificationTap listen(DataSource dataSource, String schema) throws SQLException {
    Connection connection = dataSource.getConnection();
    try (Statement statement = connection.createStatement()) {
      statement.execute("LISTEN \"" + Identifiers.channel(schema) + "\"");
      return new NotificationTap(connection);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /**
   * Every payload that arrives until the first that starts with the prefix (inclusive), within the bound. Payloads
   * that arrived with it but after it are kept for the next call.
   */
  public List<String> payloadsUntil(String prefix, Duration within) throws SQLException {
    List<String> payloads = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    do {
      while (!arrivedEarlier.isEmpty()) {
        String payload = arrivedEarlier.removeFirst();
        payloads.add(payload);
        if (payload.startsWith(prefix)) {
          return payloads;
        }
      }
      PGNotification[] arrived = pg.getNotifications(100);
      if (arrived != null) {
        for (PGNotification notification : arrived) {
          arrivedEarlier.addLast(notification.getParameter());
        }
      }
    } while (System.nanoTime() < deadline || !arrivedEarlier.isEmpty());
    throw new AssertionError("no notification starting with '" + prefix + "' within " + within + "; got "
        + payloads);
  }

  /**
   * Every payload on the schema's channel committed before this call, and nothing else: sends a marker of its own
   * on a private channel and collects until it arrives. PostgreSQL delivers notifications in commit order, so
   * everything committed before the marker arrives before it.
   */
  public List<String> payloadsCommittedSoFar(Duration within) throws SQLException {
    String marker = "tap-marker-" + UUID.randomUUID();
    try (Statement statement = connection.createStatement()) {
      statement.execute("LISTEN " + MARKER_CHANNEL);
      statement.execute("NOTIFY " + MARKER_CHANNEL + ", '" + marker + "'");
    }
    List<String> payloads = payloadsUntil(marker, within);
    return payloads.subList(0, payloads.size() - 1);
  }

  /** The connection goes back to its pool: stop listening first. */
  @Override
  public void close() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("UNLISTEN *");
    } finally {
      connection.close();
    }
  }
}
