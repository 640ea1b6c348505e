package io.pgjcache.benchmarks.nearcache;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;

/**
 * One phase of {@link InvalidationLatency}: writers on node A put sequence numbers into a fixed set of keys at a
 * target rate (round robin over the keys, so each write is to a key whose last value node B has read), and readers
 * on node B poll every key that has a write they have not seen yet, until a get returns that write.
 *
 * <p>Both nodes live in this JVM, so {@link System#nanoTime()} is one clock for both. For each write, the
 * readers record when the get that first returned the new value started and when it returned. Until the
 * notification has dropped B's copy, a get returns the old value from the near cache (a read of PostgreSQL
 * could only return the new one: the write committed before the key was polled), so the start of that get is
 * an upper bound of the moment B's copy went; its end is when B's callers see the new value (one PostgreSQL
 * read later, which also refills the copy for the key's next write). Readers pause {@value #READER_PAUSE_NANOS}
 * ns between passes so as not to take the cores from the listener and the server: both figures carry up to one
 * pass of polling delay.
 */
final class InvalidationRun {
  static final long READER_PAUSE_NANOS = 100_000;
  static final int WRITERS = 4;
  /** Several readers, so that B's reads of PostgreSQL (one per write, to refill the copy) do not queue. */
  static final int READERS = 4;

  /** What one phase measured. Times are nanoseconds from A's put returning. */
  record Result(int targetRate, double achievedRate, int measured, Percentiles delivered, Percentiles gone,
      Percentiles visible, int observed, int superseded, int lost, int freshAtFirstPoll, int staleAtEnd,
      long failedWrites) {
  }

  private final Cache<String, Long> writer;
  private final Cache<String, Long> reader;
  private final NotificationProbe probe;
  private final String[] keys;
  private final int rate;
  private final long[] committedAt;
  private final long[] seenStartAt;
  private final long[] seenEndAt;
  private final boolean[] freshAtFirstPoll;
  /** Per key, the newest write that has committed. */
  private final AtomicLongArray latest;
  private final AtomicLong nextSequence = new AtomicLong();
  private final LongAdder failedWrites = new LongAdder();
  /** Per key, the newest write B's readers have seen. */
  private final AtomicLongArray seen;
  private volatile boolean reading = true;

  /** @param rate writes per second, or 0 for as fast as the writers go */
  InvalidationRun(Cache<String, Long> writer, Cache<String, Long> reader, NotificationProbe probe, String[] keys,
      int rate, int capacity) {
    this.writer = writer;
    this.reader = reader;
    this.probe = probe;
    this.keys = keys.clone();
    this.rate = rate;
    this.committedAt = new long[capacity];
    this.seenStartAt = new long[capacity];
    this.seenEndAt = new long[capacity];
    this.freshAtFirstPoll = new boolean[capacity];
    this.latest = new AtomicLongArray(keys.length);
    this.seen = new AtomicLongArray(keys.length);
    for (int k = 0; k < keys.length; k++) {
      latest.set(k, -1);
      seen.set(k, -1);
    }
  }

  /** Runs the phase; closes the probe once the writes are done, before it reads the probe's arrivals. */
  Result execute(Duration warmUp, Duration measured, Duration settle) throws InterruptedException, IOException {
    long start = System.nanoTime();
    long measureFrom = start + warmUp.toNanos();
    long end = measureFrom + measured.toNanos();
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < READERS; i++) {
      int reader = i;
      Thread thread = new Thread(() -> read(reader), "nearcache-reader-b-" + i);
      readers.add(thread);
      thread.start();
    }
    List<Thread> writers = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      Thread thread = new Thread(() -> write(start, end), "nearcache-writer-a-" + i);
      writers.add(thread);
      thread.start();
    }
    for (Thread thread : writers) {
      thread.join();
    }
    long settleUntil = System.nanoTime() + settle.toNanos();
    while (!caughtUp() && System.nanoTime() < settleUntil) {
      Thread.sleep(10);
    }
    reading = false;
    for (Thread thread : readers) {
      thread.join();
    }
    int stale = staleAtEnd();
    probe.close();
    return summarize(measureFrom, end, stale);
  }

  /** Whether the readers have seen the newest write of every key. */
  private boolean caughtUp() {
    for (int k = 0; k < keys.length; k++) {
      if (seen.get(k) < latest.get(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Keys whose newest write B still does not return once the readers gave up waiting: each would be an
   * invalidation lost for good (0 expected).
   */
  private int staleAtEnd() {
    int stale = 0;
    for (int k = 0; k < keys.length; k++) {
      Long value = reader.get(keys[k]);
      if (value == null || value < latest.get(k)) {
        stale++;
        System.err.println("key " + keys[k] + ": B returns " + value + ", newest write " + latest.get(k));
      }
    }
    return stale;
  }

  private void write(long start, long end) {
    long period = rate == 0 ? 0 : 1_000_000_000L / rate;
    while (true) {
      long sequence = nextSequence.getAndIncrement();
      if (sequence >= committedAt.length) {
        return;
      }
      if (period > 0) {
        long due = start + sequence * period;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
      }
      if (System.nanoTime() >= end) {
        return;
      }
      int key = (int) (sequence % keys.length);
      try {
        writer.put(keys[key], sequence);
      } catch (RuntimeException e) {
        failedWrites.increment();
        continue;
      }
      committedAt[(int) sequence] = System.nanoTime();
      latest.accumulateAndGet(key, sequence, Math::max);
    }
  }

  /** Reader {@code r} polls the keys {@code k} with {@code k % READERS == r}. */
  private void read(int r) {
    boolean[] sawOld = new boolean[keys.length];
    while (reading) {
      for (int k = r; k < keys.length; k += READERS) {
        long target = latest.get(k);
        long last = seen.get(k);
        if (target <= last) {
          continue;
        }
        long before = System.nanoTime();
        Long value = reader.get(keys[k]);
        long after = System.nanoTime();
        if (value != null && value > last) {
          int sequence = (int) (long) value;
          seenStartAt[sequence] = before;
          seenEndAt[sequence] = after;
          freshAtFirstPoll[sequence] = !sawOld[k];
          seen.set(k, value);
          last = value;
        }
        sawOld[k] = last < target;
      }
      LockSupport.parkNanos(READER_PAUSE_NANOS);
    }
  }

  private Result summarize(long measureFrom, long end, int staleAtEnd) {
    long[] delivered = new long[committedAt.length];
    long[] gone = new long[committedAt.length];
    long[] visible = new long[committedAt.length];
    int measured = 0;
    int arrived = 0;
    int observed = 0;
    int superseded = 0;
    int lost = 0;
    int fresh = 0;
    for (int s = 0; s < committedAt.length; s++) {
      if (committedAt[s] < measureFrom || committedAt[s] >= end) {
        continue;
      }
      measured++;
      // Key k takes writes k, k + K, k + 2K, ... in this order, one notification each: its j-th is write k + jK.
      long arrival = probe.arrival(s % keys.length, s / keys.length);
      if (arrival != 0) {
        delivered[arrived++] = Math.max(0, arrival - committedAt[s]);
      }
      if (seenEndAt[s] != 0) {
        gone[observed] = Math.max(0, seenStartAt[s] - committedAt[s]);
        visible[observed] = Math.max(0, seenEndAt[s] - committedAt[s]);
        observed++;
        if (freshAtFirstPoll[s]) {
          fresh++;
        }
      } else if (seen.get(s % keys.length) > s) {
        superseded++;
      } else {
        lost++;
      }
    }
    double seconds = (end - measureFrom) / 1e9;
    return new Result(rate, measured / seconds, measured, new Percentiles(Arrays.copyOf(delivered, arrived)),
        new Percentiles(Arrays.copyOf(gone, observed)), new Percentiles(Arrays.copyOf(visible, observed)), observed,
        superseded, lost, fresh, staleAtEnd, failedWrites.sum());
  }
}
