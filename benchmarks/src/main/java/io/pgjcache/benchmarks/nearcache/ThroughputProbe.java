package io.pgjcache.benchmarks.nearcache;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs an operation in a closed loop on N threads, each with a worker of its own, and reports the operations per
 * second completed during the measured window (after a warm-up). A failing operation fails the probe.
 */
final class ThroughputProbe {
  /** One thread's worker: set up before the clock starts, closed after it stops. */
  interface Worker extends AutoCloseable {
    void runOnce() throws Exception;

    @Override
    default void close() throws SQLException {
    }
  }

  /** Makes one thread's worker; {@code thread} numbers them from 0. */
  interface WorkerFactory {
    Worker create(int thread) throws Exception;
  }

  private ThroughputProbe() {
  }

  static double opsPerSecond(int threads, Duration warmUp, Duration measured, WorkerFactory factory)
      throws InterruptedException {
    LongAdder done = new LongAdder();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> running = new ArrayList<>();
    List<Worker> workers = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        workers.add(factory.create(i));
      }
    } catch (Exception e) {
      closeAll(workers);
      throw new IllegalStateException("cannot set up worker: " + e.getMessage(), e);
    }
    Stop stop = new Stop();
    for (Worker worker : workers) {
      Thread thread = new Thread(() -> {
        try {
          while (!stop.requested) {
            worker.runOnce();
            done.increment();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "nearcache-probe");
      running.add(thread);
      thread.start();
    }
    Thread.sleep(warmUp.toMillis());
    long before = done.sum();
    long from = System.nanoTime();
    Thread.sleep(measured.toMillis());
    long after = done.sum();
    long to = System.nanoTime();
    stop.requested = true;
    for (Thread thread : running) {
      thread.join();
    }
    closeAll(workers);
    if (failure.get() != null) {
      throw new IllegalStateException("an operation failed: " + failure.get(), failure.get());
    }
    return (after - before) / ((to - from) / 1e9);
  }

  private static void closeAll(List<Worker> workers) {
    for (Worker worker : workers) {
      try {
        worker.close();
      } catch (SQLException e) {
        System.err.println("closing a worker failed: " + e);
      }
    }
  }

  private static final class Stop {
    volatile boolean requested;
  }
}
