package io.pgjcache.internal.expiry;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Deletes expired rows of a manager's open caches on a fixed delay, in bounded batches. Reads never
 * return expired entries whether or not the sweeper has run; it only reclaims space and fires expired
 * events. Batches use {@code FOR UPDATE SKIP LOCKED}, so several nodes sweep without blocking each other.
 */
public final class ExpirySweeper implements AutoCloseable {
  /** Upper bound on batches per cache per round, so one huge backlog cannot starve the other caches. */
  private static final int MAX_BATCHES_PER_ROUND = 10;
  private static final System.Logger LOG = System.getLogger(ExpirySweeper.class.getName());

  /** What the sweeper needs of a cache. */
  public interface Sweepable {
    String getName();

    long sweepExpired(long now, int batchSize, int maxBatches);
  }

  private final String managerName;
  private final int batchSize;
  private final Supplier<? extends Collection<? extends Sweepable>> caches;
  private final ScheduledExecutorService scheduler;
  private volatile boolean failing;

  public ExpirySweeper(String managerName, Duration interval, int batchSize,
      Supplier<? extends Collection<? extends Sweepable>> caches, ThreadFactory threads) {
    this.managerName = managerName;
    this.batchSize = batchSize;
    this.caches = caches;
    if (interval.isZero()) {
      this.scheduler = null;
    } else {
      this.scheduler = Executors.newSingleThreadScheduledExecutor(threads);
      long millis = interval.toMillis();
      scheduler.scheduleWithFixedDelay(this::sweepAll, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** One round over every open cache; public so that tests and operators can force one. */
  public void sweepAll() {
    for (Sweepable cache : caches.get()) {
      try {
        cache.sweepExpired(System.currentTimeMillis(), batchSize, MAX_BATCHES_PER_ROUND);
        if (failing) {
          failing = false;
          LOG.log(Level.INFO, "pgjcache: manager " + managerName + ": expiry sweeping works again");
        }
      } catch (RuntimeException e) {
        // Typically the database is down; say so once, not every second, and keep trying.
        if (!failing) {
          failing = true;
          LOG.log(Level.WARNING, "pgjcache: manager " + managerName + ", cache '" + cache.getName()
              + "': expiry sweep failed; will retry: " + e.getMessage());
        }
      }
    }
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
