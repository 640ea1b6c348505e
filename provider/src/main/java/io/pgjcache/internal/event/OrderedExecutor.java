package io.pgjcache.internal.event;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in the order they were submitted, on the threads of a shared executor.
 * At most one task of this lane is running or scheduled at any time; an idle lane holds no thread.
 */
public final class OrderedExecutor implements Executor {
  private final Executor threads;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  public OrderedExecutor(Executor threads) {
    this.threads = Objects.requireNonNull(threads, "threads");
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(Objects.requireNonNull(task, "task"));
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        threads.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        throw e;
      }
    }
  }

  private void drain() {
    try {
      for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
        task.run();
      }
    } finally {
      scheduled.set(false);
      // A task added after the last poll, while this drain still counted as scheduled, is picked up here.
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}
