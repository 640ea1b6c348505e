package io.pgjcache.examples.hibernate;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds back one chosen thread's next put into one region until the test opens the gate: it widens,
 * on purpose and deterministically, the moment between a load deciding to cache what it read and the
 * put itself, which in production is a pause of the JVM or the network at the wrong time.
 */
final class PutGate {
  private static final long MAX_HOLD_SECONDS = 30;

  private volatile String region;
  private volatile Thread thread;
  private volatile CountDownLatch arrived = new CountDownLatch(1);
  private volatile CountDownLatch opened = new CountDownLatch(1);

  /** Arms the gate for the next put of {@code thread} into {@code region}. */
  void hold(String region, Thread thread) {
    this.arrived = new CountDownLatch(1);
    this.opened = new CountDownLatch(1);
    this.region = region;
    this.thread = thread;
  }

  /** Called before every put of a gated node; blocks only the armed thread, once. */
  void beforePut(String putRegion) {
    if (Thread.currentThread() != thread || !putRegion.equals(region)) {
      return;
    }
    thread = null;
    arrived.countDown();
    try {
      if (!opened.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("The gate was never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while held at the gate", e);
    }
  }

  /** Waits until the armed thread is held at the gate. */
  void awaitHeld() throws InterruptedException {
    if (!arrived.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("No put reached the gate of region " + region);
    }
  }

  void open() {
    opened.countDown();
  }
}
