package io.pgjcache.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrderedExecutorTest {
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void runsTasksOneAtATime_inSubmissionOrder_onAPoolOfManyThreads() throws InterruptedException {
    OrderedExecutor lane = new OrderedExecutor(threads);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    int tasks = 10_000;
    CountDownLatch done = new CountDownLatch(tasks);
    for (int i = 0; i < tasks; i++) {
      int number = i;
      lane.execute(() -> {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        ran.add(number);
        running.decrementAndGet();
        done.countDown();
      });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mostAtOnce.get()).isEqualTo(1);
    for (int i = 0; i < tasks; i++) {
      assertThat(ran.get(i)).isEqualTo(i);
    }
  }

  @Test
  void separateLanes_runIndependently() throws InterruptedException {
    OrderedExecutor blocked = new OrderedExecutor(threads);
    OrderedExecutor free = new OrderedExecutor(threads);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch freeRan = new CountDownLatch(1);
    blocked.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    free.execute(freeRan::countDown);
    assertThat(freeRan.await(5, TimeUnit.SECONDS)).isTrue();
    release.countDown();
  }
}
