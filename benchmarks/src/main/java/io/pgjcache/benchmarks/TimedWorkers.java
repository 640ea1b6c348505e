package io.pgjcache.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Worker threads that repeat one operation on their target until a time window ends. Throughputs divide by the
 * time the workers actually ran (the last one finishes its operation after the window), and a worker that throws
 * stops every worker and fails the run: a benchmark that lost a worker would report a lower figure as a result.
 */
public final class TimedWorkers {
  private TimedWorkers() {
  }

  /** One operation of a worker on {@code target}; anything it throws fails the run. */
  @FunctionalInterface
  public interface Operation<T> {
    void run(T target, SplittableRandom random) throws Exception;
  }

  /**
   * Runs {@code threadsPerTarget} workers on each of {@code targets} for about {@code nanos}.
   *
   * @return the seconds from the workers' start until the last of them stopped
   * @throws IllegalStateException when a worker failed, with the first failure as its cause
   */
  public static <T> double run(List<T> targets, int threadsPerTarget, long nanos, Operation<? super T> operation)
      throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] end = new long[1];
    List<Thread> workers = new ArrayList<>();
    for (T target : targets) {
      for (int t = 0; t < threadsPerTarget; t++) {
        Thread worker = new Thread(() -> {
          SplittableRandom random = new SplittableRandom();
          try {
            start.await();
            while (failure.get() == null && System.nanoTime() < end[0]) {
              operation.run(target, random);
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }, "bench-worker");
        workers.add(worker);
        worker.start();
      }
    }
    long started = System.nanoTime();
    end[0] = started + nanos;
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (failure.get() != null) {
      throw new IllegalStateException("a benchmark worker failed, so the run has no result", failure.get());
    }
    return seconds;
  }
}
