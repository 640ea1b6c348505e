package io.pgjcache.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/** A set-up that needs the database: done once, retried until it succeeds, one attempt at a time. */
class DeferredSetUpTest {
  private static final Duration LONG = Duration.ofHours(1);

  private final AtomicInteger attempts = new AtomicInteger();

  @Test
  void success_isRemembered_andNotAttemptedAgain() {
    DeferredSetUp<String> setUp = new DeferredSetUp<>(counted(() -> "bound"), LONG);
    assertThat(setUp.ifDone()).isNull();

    assertThat(setUp.get()).isEqualTo("bound");
    assertThat(setUp.get()).isEqualTo("bound");

    assertThat(setUp.ifDone()).isEqualTo("bound");
    assertThat(attempts).hasValue(1);
  }

  @Test
  void outage_failsCallersAtOnceDuringTheQuietPeriod_withTheCauseKept() {
    DeferredSetUp<String> setUp = new DeferredSetUp<>(counted(() -> {
      throw outage();
    }), LONG);

    Throwable first = catchThrowable(setUp::get);
    Throwable second = catchThrowable(setUp::get);

    assertThat(attempts).as("attempts").hasValue(1);
    assertThat(second).isInstanceOf(CacheException.class).hasMessageContaining("database unavailable")
        .hasCause(first);
    assertThat(DatabaseOutage.isOutage((CacheException) second)).isTrue();
  }

  @Test
  void afterAnOutage_theNextCallerAfterTheQuietPeriod_triesAgain_andSucceeds() {
    DeferredSetUp<String> setUp = new DeferredSetUp<>(counted(() -> {
      if (attempts.get() == 1) {
        throw outage();
      }
      return "bound";
    }), Duration.ZERO);

    assertThat(catchThrowable(setUp::get)).isInstanceOf(CacheException.class);
    assertThat(setUp.get()).isEqualTo("bound");
    assertThat(attempts).hasValue(2);
  }

  @Test
  void otherFailures_areNoOutage_andTheNextCallerTriesAgainAtOnce() {
    DeferredSetUp<String> setUp = new DeferredSetUp<>(counted(() -> {
      throw permissionDenied();
    }), LONG);

    Throwable thrown = catchThrowable(setUp::get);
    catchThrowable(setUp::get);

    assertThat(attempts).hasValue(2);
    assertThat(DatabaseOutage.isOutage((CacheException) thrown)).isFalse();
  }

  @Test
  void concurrentCallers_shareTheAttemptInFlight() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    DeferredSetUp<String> setUp = new DeferredSetUp<>(counted(() -> {
      entered.countDown();
      awaitQuietly(release);
      throw permissionDenied();
    }), LONG);

    CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(() -> catchThrowable(setUp::get));
    entered.await();
    CompletableFuture<Throwable> second = new CompletableFuture<>();
    Thread waiter = new Thread(() -> second.complete(catchThrowable(setUp::get)), "second caller");
    waiter.start();
    await("the second caller waits for the attempt in flight").atMost(Duration.ofSeconds(10))
        .until(() -> waiter.getState() == Thread.State.WAITING);
    release.countDown();

    assertThat(second.get()).isInstanceOf(CacheException.class).hasCause(first.get())
        .hasMessageContaining("permission denied");
    assertThat(attempts).hasValue(1);
  }

  private static CacheException outage() {
    return DatabaseErrors.translate("pgjcache: creating schema s", new SQLException("refused", "08001"));
  }

  private static CacheException permissionDenied() {
    return DatabaseErrors.translate("pgjcache: creating schema s", new SQLException("permission denied", "42501"));
  }

  private <T> Supplier<T> counted(Supplier<T> attempt) {
    return () -> {
      attempts.incrementAndGet();
      return attempt.get();
    };
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
