package io.pgjcache.internal.notify;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the notifications a listener dropped because they did not parse, and says so at WARN at most once a
 * minute (any database user can send them, as often as they like), naming the sending backend's process id so
 * that an operator can find the session in {@code pg_stat_activity}. Used by the listener thread only.
 */
final class MalformedNotifications {
  private static final System.Logger LOG = System.getLogger(InvalidationListener.class.getName());
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final int SHOWN_CHARACTERS = 80;

  private final String managerName;
  private final AtomicLong count = new AtomicLong();
  private long lastWarning;
  private long droppedSinceWarning;
  private boolean warned;

  MalformedNotifications(String managerName) {
    this.managerName = managerName;
  }

  void drop(String channel, String payload, int senderPid, String reason) {
    count.incrementAndGet();
    droppedSinceWarning++;
    long now = System.nanoTime();
    if (warned && now - lastWarning < WARN_EVERY_NANOS) {
      return;
    }
    LOG.log(Level.WARNING, "pgjcache: manager " + managerName + ": dropped " + droppedSinceWarning
        + " notification(s) on channel " + channel + " that are not ours (" + reason + "); the last from backend pid "
        + senderPid + ": \"" + shown(payload) + "\". Near caches are unaffected.");
    warned = true;
    lastWarning = now;
    droppedSinceWarning = 0;
  }

  long count() {
    return count.get();
  }

  /** The start of an untrusted payload, with control characters escaped, fit for one log line. */
  private static String shown(String payload) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < payload.length() && out.length() < SHOWN_CHARACTERS; i++) {
      char c = payload.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return payload.length() > SHOWN_CHARACTERS ? out + "..." : out.toString();
  }
}
