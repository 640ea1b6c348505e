package io.pgjcache.internal.db;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * A step that needs the database once (creating the schema, binding a cache to its table) and may have to wait
 * for it: it is done on first use and retried on later uses until it succeeds, so that a manager and its caches can
 * be made while PostgreSQL is down and finish setting up when it is back.
 *
 * <p>Why it looks like this:
 * <ul>
 *   <li>At most one attempt is in flight. Callers that arrive meanwhile wait for it and share its outcome, so no
 *       caller waits longer than one attempt (one connection timeout while the database is down), however many
 *       threads start together.</li>
 *   <li>After an attempt found the database {@linkplain DatabaseOutage#isOutage unavailable}, callers within
 *       {@code quietPeriod} (the connection timeout) fail at once with that failure instead of starting another
 *       attempt that would almost surely fail the same way: an application that opens ten caches at start-up
 *       during an outage waits one connection timeout, not ten. The next caller after it tries again.</li>
 *   <li>Any other failure (a login refused, a privilege missing) is not remembered: the next caller tries again
 *       at once. It is no outage either, so the callers that carry on without the database
 *       ({@link DatabaseOutage#orElse}) let it through, and it fails as clearly as before.</li>
 * </ul>
 *
 * <p>Thread-safe; the lock guards only the bookkeeping, never the attempt's I/O.
 */
public final class DeferredSetUp<T> {
  private static final String RETRY_NOTE = "retried when next used after";

  private final Supplier<T> attempt;
  private final long quietNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile T done;
  /** The attempt in flight, or null; guarded by {@link #lock}. */
  private CompletableFuture<T> inFlight;
  /** The last attempt's outage and when it ended; guarded by {@link #lock}. */
  private CacheException lastOutage;
  private long lastOutageAt;

  /**
   * @param attempt     does the step and returns its (non-null) result; throws a {@link CacheException} when it
   *                    cannot
   * @param quietPeriod how long after an outage callers fail at once without a new attempt
   */
  public DeferredSetUp(Supplier<T> attempt, Duration quietPeriod) {
    this.attempt = Objects.requireNonNull(attempt, "attempt");
    this.quietNanos = quietPeriod.toNanos();
  }

  /** The step's result, if it has succeeded already; null otherwise. Never starts an attempt. */
  public T ifDone() {
    return done;
  }

  /**
   * The step's result: at once if it succeeded before, else after this caller's attempt or the one in flight.
   *
   * @throws CacheException the attempt's failure (for a caller that shared another's attempt, or arrived within the
   *                        quiet period after an outage, a new exception with the same message, caused by it)
   */
  public T get() {
    T result = done;
    if (result != null) {
      return result;
    }
    CompletableFuture<T> shared;
    boolean mine = false;
    lock.lock();
    try {
      if (done != null) {
        return done;
      }
      if (lastOutage != null && System.nanoTime() - lastOutageAt < quietNanos) {
        String message = lastOutage.getMessage();
        // A set-up that waits on another (a cache's binding on the schema's) already says when it retries.
        if (!message.contains(RETRY_NOTE)) {
          message += " (" + RETRY_NOTE + " " + Duration.ofNanos(quietNanos).toMillis() + " ms)";
        }
        throw new CacheException(message, lastOutage);
      }
      if (inFlight == null) {
        inFlight = new CompletableFuture<>();
        mine = true;
      }
      shared = inFlight;
    } finally {
      lock.unlock();
    }
    if (mine) {
      return runAttempt(shared);
    }
    try {
      return shared.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new CacheException(e.getCause().getMessage(), e.getCause());
    }
  }

  private T runAttempt(CompletableFuture<T> shared) {
    try {
      T result = Objects.requireNonNull(attempt.get(), "the set-up's result");
      lock.lock();
      try {
        done = result;
        inFlight = null;
        lastOutage = null;
      } finally {
        lock.unlock();
      }
      shared.complete(result);
      return result;
    } catch (RuntimeException | Error e) {
      lock.lock();
      try {
        inFlight = null;
        if (e instanceof CacheException cacheException && DatabaseOutage.isOutage(cacheException)) {
          lastOutage = cacheException;
          lastOutageAt = System.nanoTime();
        }
      } finally {
        lock.unlock();
      }
      shared.completeExceptionally(e);
      throw e;
    }
  }
}
