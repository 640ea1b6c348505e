package io.pgjcache.internal.cache;

import io.pgjcache.internal.codec.DigestKey;
import io.pgjcache.internal.codec.EncodedKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import javax.cache.CacheException;

/**
 * Group commit of one cache's plain writes on this node: calls that arrive while as many batches as allowed are in
 * flight wait and then go together, as the next batch, in one transaction (one multi-row statement per kind, and while
 * the cache's writes notify, one notification per up to 160 keys). PostgreSQL serialises notifying commits
 * database-wide, and each listening node makes every notification dearer, so a few large transactions carry far more
 * writes than many small ones; without notifications, one statement of a few rows still costs the server far less than
 * a round trip and a commit for each.
 *
 * <p><b>No timer.</b> A call that finds room for another batch runs at once, alone: a lone thread pays nothing.
 * Calls that find none queue; when a batch ends, the thread that ran it hands the queue's first call the turn to run
 * the next batch, which takes every call queued by then. Each thread thus runs at most the batch holding its own
 * call, and returns when that batch has committed. How many batches may be in flight at once is asked anew for each
 * call ({@code maxInFlight}): the engine allows one while the cache's writes notify, where fewer, larger transactions
 * are what the listening nodes can keep up with, and a few while they do not, where a batch saves only statements
 * and concurrency is worth more: on a machine whose idle cores are slow to wake, one batch at a time left them idle
 * between batches (see the README's write-path figures). The price of grouping is that a batch waiting for a row
 * lock (another transaction's read-modify-write of one of its keys) holds up the later plain writes queued behind it
 * until that transaction ends or the statement times out.
 *
 * <p><b>Order and failures.</b> A batch holds calls of one kind, puts or removals: a statement locks its rows in one
 * order, the same for every statement, which a transaction of two statements could not keep (it would hold the rows
 * of the first while it locks those of the second), so two batches could wait for each other crosswise. Puts of a
 * key the batch already holds join it, and the runner writes the one called last (hot keys are what a skewed load
 * writes most: ending the batch at each repeat kept batches at a few calls). A removal that names a key already in
 * the batch goes in a later batch instead, so that it counts each entry once. A thread's writes commit in the order it
 * made them (each call returns after its commit); calls that overlap in time may commit in either order, as two
 * writers on two nodes would. A batch that fails fails exactly its calls, each with a {@link CacheException} of its
 * own (see {@link #rethrown}); the queued calls then run as the next batch. Thread-safe; the one lock is never held
 * across I/O.
 */
final class GroupCommit {
  /** Most rows a batch gathers from several calls; one call's rows always go together, however many. */
  static final int MAX_ROWS = 1_000;
  /** Runs one batch in one transaction, recording what removes found; throws to fail the whole batch. */
  @FunctionalInterface
  interface Runner {
    void run(List<Call> batch);
  }

  /** Whether a call writes values or removes keys. */
  enum Kind { PUT, REMOVE }

  /** One caller's writes, and what became of them. */
  static final class Call {
    private final Kind kind;
    private final List<EncodedKey> keys;
    private final List<byte[]> values;
    /** The caller's thread, which waits for {@link #done} or {@link #leads}. */
    private final Thread caller;
    /** Set under the group's lock; read without it by the waiting caller. */
    private volatile boolean done;
    private volatile boolean leads;
    /** Set by the runner for a removal, before {@link #done}: how many of the keys had a live entry. */
    private long removedLive;
    /** Set before {@link #done}. */
    private RuntimeException failure;

    private Call(Kind kind, List<EncodedKey> keys, List<byte[]> values) {
      this.kind = kind;
      this.keys = keys;
      this.values = values;
      this.caller = Thread.currentThread();
    }

    Kind kind() {
      return kind;
    }

    List<EncodedKey> keys() {
      return keys;
    }

    /** The values of a put, in the order of {@link #keys()}. */
    List<byte[]> values() {
      return values;
    }

    /** Records how many of a removal's keys had a live entry. */
    void removedLive(long count) {
      removedLive = count;
    }
  }

  private final Runner runner;
  private final IntSupplier maxInFlight;
  private final ReentrantLock lock = new ReentrantLock();
  /** Calls waiting for a batch; guarded by {@link #lock}. */
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  /** Batches in flight or about to be; guarded by {@link #lock}. */
  private int inFlight;

  /** One batch in flight at a time. */
  GroupCommit(Runner runner) {
    this(runner, () -> 1);
  }

  /** @param maxInFlight how many batches may be in flight at once (at least one), asked for each call */
  GroupCommit(Runner runner, IntSupplier maxInFlight) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.maxInFlight = Objects.requireNonNull(maxInFlight, "maxInFlight");
  }

  /** Puts the values (in the order of the keys) and returns once they have committed. */
  void put(List<EncodedKey> keys, List<byte[]> values) {
    submit(Kind.PUT, keys, values);
  }

  /** Removes the keys once they have committed; returns how many of them had a live entry. */
  long remove(List<EncodedKey> keys) {
    return submit(Kind.REMOVE, keys, null).removedLive;
  }

  /** How many calls wait for a batch now; tests wait on it to know which calls a held batch has behind it. */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  private Call submit(Kind kind, List<EncodedKey> keys, List<byte[]> values) {
    Call call = new Call(kind, keys, values);
    boolean runsNow;
    lock.lock();
    try {
      // A call runs at once only where nobody queues before it, so that calls still go in the order they came.
      runsNow = queue.isEmpty() && inFlight < limit();
      if (runsNow) {
        inFlight++;
      } else {
        queue.addLast(call);
      }
    } finally {
      lock.unlock();
    }
    if (runsNow) {
      // Nobody queued before it, so its batch is itself: no lock to take, nothing to gather. A call queued since
      // waits for a batch to end, as it would have had this batch already been gathered.
      runBatch(List.of(call));
      return finished(call);
    }
    awaitTurn(call);
    if (!call.done) {
      runBatch(takeBatch(call));
    }
    return finished(call);
  }

  /**
   * Parks the caller until its call is done or it leads the next batch. It waits on its own flags, not on a
   * condition of the group's lock: woken from a condition, each caller of a batch had to take the lock again before
   * it could return, so they woke one after the other, each waiting for the one before to be scheduled.
   */
  private static void awaitTurn(Call call) {
    boolean interrupted = false;
    // Bounded: the batch in flight ends within the pool's and the statement's timeouts, and so does ours.
    while (!call.done && !call.leads) {
      LockSupport.park(call);
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a batch that holds the caller's own call, then hands the turn on. */
  private void runBatch(List<Call> batch) {
    try {
      runner.run(batch);
    } catch (RuntimeException e) {
      finish(batch, e);
      return;
    } catch (Error e) {
      finish(batch, new CacheException("pgjcache: a grouped write failed: " + e, e));
      throw e;
    }
    finish(batch, null);
  }

  /** The batch a caller given the turn runs: its own call first, then the queued calls that fit. */
  private List<Call> takeBatch(Call first) {
    lock.lock();
    try {
      List<Call> batch = new ArrayList<>();
      batch.add(first);
      // The keys of the batch so far, gathered only once a second call may join: a lone call (a single thread's
      // every write) need not hash its keys for a comparison that cannot happen.
      Set<DigestKey> keys = null;
      int rows = first.keys.size();
      for (Call next = queue.peekFirst(); next != null; next = queue.peekFirst()) {
        if (rows + next.keys.size() > MAX_ROWS || next.kind != first.kind) {
          break;
        }
        if (keys == null) {
          keys = new HashSet<>();
          addKeys(first, keys);
        }
        // A put may name a key the batch already holds: its value comes later and wins, as it would committed
        // after. A removal may not: it must count an entry only once.
        if (next.kind == Kind.REMOVE && namesAny(next, keys)) {
          break;
        }
        addKeys(next, keys);
        queue.pollFirst();
        batch.add(next);
        rows += next.keys.size();
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private static void addKeys(Call call, Set<DigestKey> keys) {
    for (EncodedKey k : call.keys) {
      keys.add(k.digestKey());
    }
  }

  private static boolean namesAny(Call call, Set<DigestKey> keys) {
    for (EncodedKey k : call.keys) {
      if (keys.contains(k.digestKey())) {
        return true;
      }
    }
    return false;
  }

  /** At least one: the last batch in flight always hands the turn on. */
  private int limit() {
    return Math.max(1, maxInFlight.getAsInt());
  }

  /** Marks the batch's calls done, gives the turn to the next queued call if any, and wakes their threads. */
  private void finish(List<Call> batch, RuntimeException failure) {
    Call next;
    lock.lock();
    try {
      for (Call call : batch) {
        call.failure = failure;
        call.done = true;
      }
      // Over the limit (it fell while batches were in flight), the turn is not handed on: the queued calls wait for
      // a batch that ends within it.
      next = inFlight > limit() ? null : queue.pollFirst();
      if (next == null) {
        inFlight--;
      } else {
        next.leads = true;
      }
    } finally {
      lock.unlock();
    }
    // After the lock is given back, so that no woken thread waits for it. A caller that saw its flag before it parked
    // keeps the permit unused; its next park anywhere then returns at once, which every user of park allows for.
    Thread self = Thread.currentThread();
    for (Call call : batch) {
      if (call.caller != self) {
        LockSupport.unpark(call.caller);
      }
    }
    if (next != null) {
      LockSupport.unpark(next.caller);
    }
  }

  /** The call, or its batch's failure as an exception of this caller's own. */
  private static Call finished(Call call) {
    if (call.failure != null) {
      throw rethrown(call.failure);
    }
    return call;
  }

  /**
   * A batch's failure as one caller's {@link CacheException}, with the same message and the same cause (the SQL
   * error, as a write of its own would have had), so that no exception object is thrown in two threads.
   */
  private static CacheException rethrown(RuntimeException failure) {
    Throwable cause = failure instanceof CacheException && failure.getCause() != null ? failure.getCause() : failure;
    return new CacheException(failure.getMessage(), cause);
  }
}
