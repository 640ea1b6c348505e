package io.pgjcache.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/**
 * Whether one cache table has its notify triggers, as far as this node knows, for the writes that leave out the
 * setting keeping the triggers quiet where there are none (see {@code CacheTable#put}). Wrong either way costs only
 * time: the setting where there are no triggers, or triggers that announce what nobody near-caches where the setting
 * is missing. A node gives a table its triggers just before its first lease on the cache, and nobody drops them
 * again, so once seen they are known for good. Until then the catalogue is read at the first such write, again at
 * the next one after a write found someone near-caching (who gave the table its triggers before), and otherwise at
 * the first one after {@link #RECHECK} has passed since it was last read: that bounds how long writes fire the
 * triggers that a node left behind which near-cached the cache while this one wrote nothing to it. Thread-safe.
 */
final class TriggerPresence {
  /** How long an answer of "no triggers" is trusted while no write finds anyone near-caching. */
  static final Duration RECHECK = Duration.ofSeconds(10);

  private final String qualifiedTable;
  private volatile boolean present;
  /** When the catalogue was last read ({@link System#nanoTime}); reset to read it at the next put. */
  private volatile long checkedAt;
  private volatile boolean due = true;

  TriggerPresence(String qualifiedTable) {
    this.qualifiedTable = Objects.requireNonNull(qualifiedTable, "qualifiedTable");
  }

  /** Whether the table has notify triggers, reading the catalogue on {@code c} when the last answer is too old. */
  boolean present(Connection c) throws SQLException {
    if (present) {
      return true;
    }
    long now = System.nanoTime();
    if (due || now - checkedAt > RECHECK.toNanos()) {
      due = false;
      checkedAt = now;
      present = read(c);
    }
    return present;
  }

  /** A write found someone near-caching the cache: the catalogue is read again at the next such write. */
  void recheck() {
    due = true;
  }

  private boolean read(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Sql.hasNotifyTriggers())) {
      ps.setString(1, qualifiedTable);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }
}
