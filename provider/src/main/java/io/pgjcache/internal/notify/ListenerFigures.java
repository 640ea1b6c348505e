package io.pgjcache.internal.notify;

import java.util.concurrent.TimeUnit;

/**
 * What a manager's LISTEN connection went through, for its metrics: when it went down and for how long in all,
 * how often it came back, how many notifications it heard, and the lag its probes measured (see
 * {@link ListenConnection#probeLag}). Written by the listener thread only; read by any thread.
 */
public final class ListenerFigures {
  /** A moment's view, in milliseconds. Lags are NaN before the first probe came back. */
  public record Snapshot(boolean live, long downSince, long downMillis, long reconnects, int backendPid,
      long received, long lagProbes, double lagTotalMillis, double lagLastMillis, double lagMaxMillis) {
  }

  private volatile boolean everLive;
  private volatile long downSinceMillis = System.currentTimeMillis();
  private volatile long downSinceNanos = System.nanoTime();
  /** Outages that ended; the current one is added when read. */
  private volatile long pastDownNanos;
  private volatile long reconnects;
  private volatile int backendPid;
  private volatile long received;
  private volatile long lagProbes;
  private volatile long lagTotalNanos;
  private volatile long lagLastNanos;
  private volatile long lagMaxNanos;

  void wentLive(int pid) {
    pastDownNanos += System.nanoTime() - downSinceNanos;
    downSinceMillis = 0;
    backendPid = pid;
    if (everLive) {
      reconnects++;
    }
    everLive = true;
  }

  void wentDown() {
    if (downSinceMillis == 0) {
      downSinceNanos = System.nanoTime();
      downSinceMillis = System.currentTimeMillis();
      backendPid = 0;
    }
  }

  void received() {
    received++;
  }

  void lag(long nanos) {
    lagProbes++;
    lagTotalNanos += nanos;
    lagLastNanos = nanos;
    lagMaxNanos = Math.max(lagMaxNanos, nanos);
  }

  public Snapshot snapshot() {
    long since = downSinceMillis;
    long down = pastDownNanos + (since == 0 ? 0 : System.nanoTime() - downSinceNanos);
    long probes = lagProbes;
    return new Snapshot(since == 0, since, TimeUnit.NANOSECONDS.toMillis(down), reconnects, backendPid, received,
        probes, millis(lagTotalNanos), probes == 0 ? Double.NaN : millis(lagLastNanos),
        probes == 0 ? Double.NaN : millis(lagMaxNanos));
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
