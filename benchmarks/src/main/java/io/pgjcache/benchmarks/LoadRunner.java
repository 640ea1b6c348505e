package io.pgjcache.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one measurement: {@code threads} workers call a contender in a closed loop (each starts its next
 * operation when the previous one returns) for a warm-up, then for a timed window; the result is the
 * operations completed in the window divided by its length; for {@code getAll}/{@code putAll}, the entries. With it
 * comes the CPU time the window cost this JVM and the server, per operation (see {@link Measurement}).
 *
 * <p>Worker {@code i} always uses the same seed, so both contenders see the same sequence of keys and
 * operations. Every key was prepopulated and nothing expires, so a get that finds nothing means the contender
 * is broken and the measurement fails, as it does on the first exception of any worker.
 */
final class LoadRunner {
  private static final long SEED = 20_250_107L;

  private final ZipfSampler keys;
  private final Dataset dataset;
  private final int batch;
  private final CpuTime cpu;

  /** @param batch distinct keys per {@code getAll} or {@code putAll} call */
  LoadRunner(ZipfSampler keys, Dataset dataset, int batch, CpuTime cpu) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.dataset = Objects.requireNonNull(dataset, "dataset");
    this.batch = batch;
    this.cpu = Objects.requireNonNull(cpu, "cpu");
    if (keys.size() != dataset.keyCount()) {
      throw new IllegalArgumentException("The sampler draws " + keys.size() + " ranks for "
          + dataset.keyCount() + " keys");
    }
  }

  /** Throughput and CPU time of {@code contender} under {@code workload} in the timed window. */
  Measurement measure(Contender contender, Workload workload, int threads, Duration warmup, Duration window)
      throws InterruptedException {
    Run run = new Run(contender, workload);
    List<Thread> workers = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      SplittableRandom random = new SplittableRandom(SEED + i);
      Thread worker = new Thread(() -> run.loop(random), "bench-" + contender.name() + "-" + i);
      worker.setDaemon(true);
      workers.add(worker);
    }
    workers.forEach(Thread::start);
    try {
      run.sleepUnlessFailed(warmup);
      CpuTime.Sample cpuAtStart = cpu.now();
      long startOps = run.operations.sum();
      long start = System.nanoTime();
      run.sleepUnlessFailed(window);
      long endOps = run.operations.sum();
      long end = System.nanoTime();
      CpuTime.Sample cpuAtEnd = cpu.now();
      run.stop = true;
      for (Thread worker : workers) {
        worker.join(TimeUnit.SECONDS.toMillis(30));
      }
      run.throwIfFailed();
      return Measurement.of(endOps - startOps, end - start, cpuAtStart, cpuAtEnd,
          Runtime.getRuntime().availableProcessors());
    } finally {
      run.stop = true;
    }
  }

  /** The shared state of one measurement's workers. */
  private final class Run {
    private final Contender contender;
    private final Workload workload;
    private final LongAdder operations = new LongAdder();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    Run(Contender contender, Workload workload) {
      this.contender = contender;
      this.workload = workload;
    }

    void loop(SplittableRandom random) {
      try {
        while (!stop) {
          switch (workload) {
            case GET_ALL -> getAll(random);
            case PUT_ALL -> putAll(random);
            default -> single(random);
          }
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
        stop = true;
      }
    }

    private void single(SplittableRandom random) {
      String key = dataset.key(keys.next(random));
      if (workload.nextIsGet(random)) {
        requireFound(contender.get(key) != null, key);
      } else {
        contender.put(key, dataset.value(random.nextInt()));
      }
      operations.increment();
    }

    private void getAll(SplittableRandom random) {
      SortedSet<String> chosen = distinctKeys(random);
      requireFound(contender.getAll(chosen).size() == chosen.size(), chosen.first() + ".." + chosen.last());
      operations.add(chosen.size());
    }

    private void putAll(SplittableRandom random) {
      SortedMap<String, String> entries = new TreeMap<>();
      for (String key : distinctKeys(random)) {
        entries.put(key, dataset.value(random.nextInt()));
      }
      contender.putAll(entries);
      operations.add(entries.size());
    }

    /** {@code batch} distinct keys from the Zipf distribution, sorted (see {@link Contender#getAll}). */
    private SortedSet<String> distinctKeys(SplittableRandom random) {
      SortedSet<String> chosen = new TreeSet<>();
      while (chosen.size() < batch) {
        chosen.add(dataset.key(keys.next(random)));
      }
      return chosen;
    }

    private void requireFound(boolean found, String keys) {
      if (!found) {
        throw new IllegalStateException(contender.name() + " found no value for a prepopulated key among " + keys);
      }
    }

    void sleepUnlessFailed(Duration duration) throws InterruptedException {
      long deadline = System.nanoTime() + duration.toNanos();
      long remaining;
      while (!stop && (remaining = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.sleep(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)));
      }
      throwIfFailed();
    }

    void throwIfFailed() {
      Throwable t = failure.get();
      if (t != null) {
        throw new IllegalStateException(contender.name() + " failed under " + workload.label(batch) + ": " + t, t);
      }
    }
  }
}
