package io.pgjcache.examples;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Bounded waiting: probes a value at a short interval until it is acceptable or time runs out. */
final class Poll {
  private static final long INTERVAL_MILLIS = 50;

  private Poll() {
  }

  /**
   * Probes until {@code accept} holds or {@code timeout} has passed, and returns the last value probed
   * (so the caller can tell, and say, whether it ever became acceptable).
   */
  static <T> T until(Supplier<T> probe, Predicate<? super T> accept, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    T value = probe.get();
    while (!accept.test(value) && System.nanoTime() < deadline) {
      Thread.sleep(INTERVAL_MILLIS);
      value = probe.get();
    }
    return value;
  }
}
