package io.pgjcache.internal.notify;

import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.store.NearCacheLocks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes notify only where someone listens: the provider's own writes to a cache announce their keys only while some
 * node near-caches it, and this class is how a node says that it does, without a moment in which its near cache
 * could serve a value whose change was never announced.
 *
 * <p><b>The lease is a lock.</b> A node near-caching a cache holds the advisory lock N = (near-cachers, cache),
 * shared, on its LISTEN connection: the lease lasts exactly as long as the session that hears the notifications, and
 * a crashed node's lease ends with its connection, with nothing left to clean up.
 *
 * <p><b>Writers.</b> Each write statement of the provider's own transactions asks whether the cache is near-cached
 * (once per statement, {@code Sql.nearCached}, or with the one row it changed, {@code Sql.whenNearCached}): it first
 * takes the shared advisory lock W = (silent writers, cache), held until its transaction ends, then tries to take N
 * exclusively and gives it back at once; the try fails, and the statement notifies, exactly while some node holds N.
 * Writes in a caller's transaction, the tables' triggers (any other writer), {@code clear}, a destroyed cache and
 * cluster-wide entry events always notify and take no W. A cache that no node has near-cached has no triggers at all:
 * even skipped, they would cost each write statement about as much as the rest of its execution.
 *
 * <p><b>Arming a near cache</b> (per cache, and again after every reconnect of the LISTEN connection):
 * <ol type="a">
 *   <li>the LISTEN connection listens (its {@linkplain InvalidationListener.Session session} is live), and the
 *       cache's table has its notify triggers, which announce every other writer's changes (created by the first
 *       node that near-caches the cache; creating them waits for the transactions writing to the table);</li>
 *   <li>it takes N for the cache, shared (waiting at most for writers inside their try, which release at once);</li>
 *   <li>this node reads, in one statement on the pool, the transactions holding W for the cache now
 *       ({@code pg_locks});</li>
 *   <li>it waits until none of those holds W any more, polling with a short pause that grows to
 *       {@link #MAX_PAUSE} (it never takes W itself: exclusively, it would queue every writer behind it);</li>
 *   <li>only then does the {@link Lease} let the near cache serve and fill. Until then reads go to PostgreSQL, as
 *       while the LISTEN connection is down.</li>
 * </ol>
 *
 * <p><b>Why there is no window.</b> Take any write of the provider's own that commits while the near cache serves
 * (after (e)). It asked under W, so it held W from before its try to its commit. Either
 * <ul>
 *   <li>it tried after (b): then N was held, its try failed and it notified; its notification reaches the LISTEN
 *       connection, which listened before (b);</li>
 *   <li>or it tried before (b): then it took W before (b), and still held it at (c) unless it had committed
 *       already; (d) waited until it ended. Either way it committed before (e), and any read of the near cache,
 *       which starts after (e), sees its change in PostgreSQL.</li>
 * </ul>
 * No snapshot is involved, so this holds under every isolation level. Every other writer is announced by the
 * triggers: a statement that starts after (a) fires them, and a transaction that had written before was waited for by
 * their creation, so it committed before (e).
 * A read that fills the near cache and a notification that races with it are then handled by the near cache's token
 * protocol as always. W is shared, so writers never wait for one another; only arming waits, for writers that are
 * already under way, whose transactions are short.
 *
 * <p><b>Lifetime.</b> A lease is armed for one session of the LISTEN connection: when that connection is lost the
 * near cache is bypassed and cleared as before (and N is gone with the session), and once a new connection listens
 * every lease is taken and armed again (a to e). Closing a cache releases its N; closing the manager closes the
 * connection, which releases them all.
 *
 * <p><b>Threading.</b> One daemon thread, {@code pgjcache-<manager>-leases}, takes, arms and gives up leases, so
 * that neither the LISTEN thread nor a caller waits for PostgreSQL; {@link Lease} is read by any thread. A failure
 * (the database down) is retried with a growing pause.
 */
public final class NearCacheLeases implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(NearCacheLeases.class.getName());
  /** The first pause while waiting for writers that hold W; it doubles up to {@link #MAX_PAUSE}. */
  private static final Duration FIRST_PAUSE = Duration.ofMillis(1);
  private static final Duration MAX_PAUSE = Duration.ofMillis(100);
  private static final Duration FIRST_RETRY = Duration.ofMillis(50);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);
  /** How long a statement on the LISTEN connection may take; taking N waits only for writers inside their try. */
  private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);
  /** A generation no session has. */
  private static final long UNARMED = Long.MIN_VALUE;

  private final String managerName;
  private final InvalidationListener listener;
  private final NearCacheLocks locks;
  /** Creates the notify triggers of caches that lack them (see step (a)). */
  private final Consumer<int[]> announceOtherWriters;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** The leases this node wants, by cache id; guarded by {@link #lock}. */
  private final Map<Integer, Lease> wanted = new HashMap<>();
  /** The caches whose N the LISTEN connection holds now; only the leases thread uses it. */
  private final Set<Integer> held = new HashSet<>();
  /** The generation of the session that holds {@link #held}; only the leases thread uses it. */
  private long heldIn = UNARMED;
  /** Whether something changed since the thread last looked; guarded by {@link #lock}. */
  private boolean dirty;
  private volatile boolean closed;

  /** @param announceOtherWriters creates the notify triggers of the caches given by id that lack them */
  public NearCacheLeases(String managerName, InvalidationListener listener, NearCacheLocks locks,
      Consumer<int[]> announceOtherWriters, ThreadFactory threads) {
    this.managerName = Objects.requireNonNull(managerName, "managerName");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.locks = Objects.requireNonNull(locks, "locks");
    this.announceOtherWriters = Objects.requireNonNull(announceOtherWriters, "announceOtherWriters");
    listener.onLive(this::wake);
    this.thread = threads.newThread(this::runLoop);
    thread.start();
  }

  /** A lease for one near cache, not taken yet: the near cache is bypassed until it is taken and armed. */
  public Lease newLease() {
    return new Lease();
  }

  /**
   * The gate of one near cache: its stream is live only while the LISTEN connection is, and only once this node's
   * lease of the cache has been armed in the connection's current session.
   */
  public final class Lease implements NearCache.Stream {
    /** The generation of the session the lease was armed in, or {@link #UNARMED}. */
    private volatile long armedIn = UNARMED;
    /** Guarded by {@link NearCacheLeases#lock}. */
    private int cacheId;

    private Lease() {
    }

    @Override
    public boolean isLive() {
      return listener.isLive() && armedIn == listener.generation();
    }

    @Override
    public long generation() {
      return listener.generation();
    }

    /** Takes the lease of this cache (the cache is bound to its table now); it is armed in the background. */
    public void take(int id) {
      lock.lock();
      try {
        if (closed) {
          return;
        }
        cacheId = id;
        wanted.put(id, this);
        dirty = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /** Gives the lease up (the cache is closing); its near cache is bypassed from now on. */
    public void release() {
      armedIn = UNARMED;
      lock.lock();
      try {
        if (cacheId != 0 && wanted.remove(cacheId, this)) {
          dirty = true;
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }

    /** Waits until the near cache serves, at most {@code timeout}; returns whether it does. */
    public boolean awaitServing(Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      lock.lock();
      try {
        while (!isLive() && !closed) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          changed.awaitNanos(left);
        }
        return isLive();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return isLive();
      } finally {
        lock.unlock();
      }
    }

    private void armIn(long generation) {
      armedIn = generation;
    }
  }

  /** Stops the thread; the leases end when the manager closes the LISTEN connection that holds them. */
  @Override
  public void close() {
    closed = true;
    wake();
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void wake() {
    lock.lock();
    try {
      dirty = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void runLoop() {
    Duration retry = null;
    boolean reported = false;
    while (!closed) {
      try {
        // After a failure, the work is tried again once the pause is over, or sooner if something changed.
        awaitChange(retry);
        armWanted();
        retry = null;
        reported = false;
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        if (!reported) {
          LOG.log(Level.WARNING, "pgjcache: manager " + managerName + ": near-cache leases could not be taken or "
              + "given up (" + e.getMessage() + "); the near caches waiting for theirs stay bypassed, retrying");
          reported = true;
        }
        retry = retry == null ? FIRST_RETRY : doubled(retry, MAX_RETRY);
      } catch (InterruptedException e) {
        break;
      }
    }
  }

  /** Waits until something changed, or the pause is over (null: no bound); clears the change. */
  private void awaitChange(Duration pause) throws InterruptedException {
    lock.lock();
    try {
      long left = pause == null ? Long.MAX_VALUE : pause.toNanos();
      while (!dirty && !closed && left > 0) {
        left = changed.awaitNanos(left);
      }
      dirty = false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Releases the N of caches no longer wanted, then steps (a) to (e) for every wanted lease not armed in the current
   * session; nothing while the stream is down.
   */
  private void armWanted() throws InterruptedException {
    InvalidationListener.Session session = listener.session();
    if (session == null) {
      return;
    }
    if (heldIn != session.generation()) {
      // A new session holds nothing: the old one's locks ended with it.
      held.clear();
      heldIn = session.generation();
    }
    Set<Integer> wantedIds = locked(() -> new HashSet<>(wanted.keySet()));
    for (Iterator<Integer> it = held.iterator(); it.hasNext(); ) {
      int id = it.next();
      if (!wantedIds.contains(id)) {
        execute(session, locks.release(id));
        it.remove();
      }
    }
    List<Lease> leases = locked(() -> {
      List<Lease> unarmed = new ArrayList<>();
      wanted.values().stream().filter(lease -> lease.armedIn != session.generation()).forEach(unarmed::add);
      return unarmed;
    });
    if (leases.isEmpty()) {
      return;
    }
    int[] ids = locked(() -> leases.stream().mapToInt(lease -> lease.cacheId).toArray());
    announceOtherWriters.accept(ids);
    for (int id : ids) {
      if (!held.contains(id)) {
        execute(session, locks.hold(id));
        held.add(id);
      }
    }
    Set<String> holders = locks.silentWriters(ids, null);
    Duration pause = FIRST_PAUSE;
    while (!holders.isEmpty()) {
      if (closed || listener.generation() != session.generation()) {
        return;
      }
      Thread.sleep(pause.toMillis());
      pause = doubled(pause, MAX_PAUSE);
      holders = locks.silentWriters(ids, holders);
    }
    locked(() -> {
      // A lease given up meanwhile stays unarmed; one taken meanwhile is armed in the next round.
      leases.stream().filter(lease -> wanted.get(lease.cacheId) == lease).forEach(lease -> lease.armIn(
          session.generation()));
      changed.signalAll();
      return null;
    });
    LOG.log(Level.DEBUG, () -> "pgjcache: manager " + managerName + ": near caches of caches "
        + Arrays.toString(ids) + " serve (LISTEN backend " + session.backendPid() + ")");
  }

  private void execute(InvalidationListener.Session session, String sql) {
    try {
      listener.execute(session, sql, STATEMENT_TIMEOUT);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private static Duration doubled(Duration pause, Duration max) {
    Duration twice = pause.multipliedBy(2);
    return twice.compareTo(max) > 0 ? max : twice;
  }

  private <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }
}
