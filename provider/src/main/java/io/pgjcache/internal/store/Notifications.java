package io.pgjcache.internal.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Sends notifications as part of a connection's current transaction, so they go out exactly when it commits. */
public final class Notifications {
  private Notifications() {
  }

  /** Sends every payload on the channel, in order, in one round trip. */
  public static void send(Connection connection, String channel, List<String> payloads) throws SQLException {
    if (payloads.isEmpty()) {
      return;
    }
    Array array = connection.createArrayOf("text", payloads.toArray());
    try (PreparedStatement statement = connection.prepareStatement(Sql.notifyEach())) {
      statement.setString(1, channel);
      statement.setArray(2, array);
      statement.execute();
    } finally {
      array.free();
    }
  }
}
