package io.pgjcache.spring;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Holds one chosen thread right after its transaction commits, before any after-commit work registered later in
 * that transaction (a deferred cache put among others) runs: the moment a pause of the JVM, or a crash, would hit.
 * Transactions call {@link #holdAfterCommitIfArmed()} when they begin; only the armed thread's next one is held.
 */
final class AfterCommitGate {
  private static final long MAX_HOLD_SECONDS = 30;

  private volatile Thread thread;
  private volatile CountDownLatch arrived = new CountDownLatch(1);
  private volatile CountDownLatch opened = new CountDownLatch(1);

  /** Arms the gate for the next transaction of {@code holding}. */
  void hold(Thread holding) {
    arrived = new CountDownLatch(1);
    opened = new CountDownLatch(1);
    thread = holding;
  }

  /** Called at the start of each transaction: if this is the armed thread, holds it after this one commits. */
  void holdAfterCommitIfArmed() {
    if (Thread.currentThread() != thread) {
      return;
    }
    thread = null;
    CountDownLatch arriving = arrived;
    CountDownLatch opening = opened;
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        arriving.countDown();
        try {
          if (!opening.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gate was never opened");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while held after the commit", e);
        }
      }
    });
  }

  /** Waits until the armed thread's transaction committed and is held. */
  void awaitHeld() throws InterruptedException {
    if (!arrived.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no transaction reached the gate");
    }
  }

  void open() {
    opened.countDown();
  }
}
