package io.pgjcache.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.codec.EncodedKey;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import javax.cache.CacheException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link GroupCommit} groups calls, without a database: the runner here records each batch and can hold the
 * one in flight, so that the tests decide which calls queue behind it. What a batch does in PostgreSQL is shown by
 * {@code GroupCommitIT}.
 */
class GroupCommitTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);

  private final ExecutorService threads = Executors.newCachedThreadPool();
  /** Each batch as the runner saw it: the first key of each call, in order. */
  private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stopThreads() throws InterruptedException {
    release.countDown();
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void loneCall_runsOnTheCallersThread_atOnce() {
    List<Thread> ranOn = new ArrayList<>();
    GroupCommit group = new GroupCommit(batch -> ranOn.add(Thread.currentThread()));

    group.put(List.of(key("a")), List.of(value("1")));

    assertThat(ranOn).containsExactly(Thread.currentThread());
  }

  @Test
  void callsArrivingWhileABatchIsInFlight_goTogetherAsTheNextBatch() {
    GroupCommit group = new GroupCommit(recordingHeldFirst());
    CompletableFuture<Void> first = run(() -> group.put(List.of(key("first")), List.of(value("1"))));
    awaitBatches(1);
    List<CompletableFuture<Void>> queued = IntStream.range(0, 8)
        .mapToObj(i -> run(() -> group.put(List.of(key("k" + i)), List.of(value("v" + i))))).toList();
    awaitQueued(group, 8);

    release.countDown();

    first.join();
    queued.forEach(CompletableFuture::join);
    assertThat(batches).hasSize(2);
    assertThat(batches.get(0)).containsExactly("first");
    assertThat(batches.get(1)).containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
  }

  @Test
  void writesToOneKey_commitInTheOrderTheyWereCalled_inBatchesOfTheirOwn() {
    GroupCommit group = new GroupCommit(recordingHeldFirst());
    CompletableFuture<Void> first = run(() -> group.put(List.of(key("x")), List.of(value("1"))));
    awaitBatches(1);
    CompletableFuture<Void> second = run(() -> group.put(List.of(key("same"), key("y")), List.of(value("2"),
        value("2"))));
    awaitQueued(group, 1);
    CompletableFuture<Long> removal = supply(() -> group.remove(List.of(key("same"))));
    awaitQueued(group, 2);
    CompletableFuture<Void> third = run(() -> group.put(List.of(key("z")), List.of(value("3"))));
    awaitQueued(group, 3);

    release.countDown();

    CompletableFuture.allOf(first, second, removal, third).join();
    // The removal names a key of the batch before it, and the put after it is of another kind: each starts a batch.
    assertThat(batches).containsExactly(List.of("x"), List.of("same"), List.of("same"), List.of("z"));
  }

  @Test
  void putsOfAKeyTheBatchAlreadyHolds_joinIt() {
    GroupCommit group = new GroupCommit(recordingHeldFirst());
    CompletableFuture<Void> first = run(() -> group.put(List.of(key("x")), List.of(value("0"))));
    awaitBatches(1);
    List<CompletableFuture<Void>> puts = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String v = String.valueOf(i);
      puts.add(run(() -> group.put(List.of(key("hot")), List.of(value(v)))));
      awaitQueued(group, i);
    }
    release.countDown();

    first.join();
    puts.forEach(CompletableFuture::join);
    // Hot keys are what a Zipf-shaped load writes most: cutting the batch at each repeat left batches of a few calls.
    assertThat(batches).containsExactly(List.of("x"), List.of("hot", "hot", "hot"));
  }

  @Test
  void aQueuedCallThatIsInterrupted_stillWaitsForItsCommit_andKeepsTheInterrupt() throws Exception {
    GroupCommit group = new GroupCommit(recordingHeldFirst());
    CompletableFuture<Void> first = run(() -> group.put(List.of(key("first")), List.of(value("1"))));
    awaitBatches(1);
    CompletableFuture<Thread> queuedThread = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptedAfter = supply(() -> {
      queuedThread.complete(Thread.currentThread());
      group.put(List.of(key("queued")), List.of(value("2")));
      return Thread.currentThread().isInterrupted();
    });
    awaitQueued(group, 1);

    queuedThread.get(WITHIN.toSeconds(), TimeUnit.SECONDS).interrupt();

    // An interrupted park returns at once: the call must neither return early nor spin, but wait for its batch.
    assertThat(interruptedAfter).isNotDone();
    assertThat(group.queued()).isEqualTo(1);
    release.countDown();
    first.join();
    assertThat(interruptedAfter.get(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(batches).containsExactly(List.of("first"), List.of("queued"));
  }

  @Test
  void failedBatch_failsExactlyItsCalls_eachWithItsOwnExceptionAndTheCause() {
    SQLException cause = new SQLException("connection lost", "08006");
    GroupCommit group = new GroupCommit(batch -> {
      record(batch);
      if (batches.size() == 1) {
        awaitRelease();
      }
      if (batch.stream().anyMatch(call -> first(call).startsWith("fail"))) {
        throw new CacheException("pgjcache: cache 'c': put failed", cause);
      }
    });
    CompletableFuture<Void> first = run(() -> group.put(List.of(key("ok-first")), List.of(value("1"))));
    awaitBatches(1);
    List<CompletableFuture<Void>> failing = IntStream.range(0, 3)
        .mapToObj(i -> run(() -> group.put(List.of(key("fail" + i)), List.of(value("v"))))).toList();
    awaitQueued(group, 3);

    release.countDown();

    first.join();
    List<Throwable> thrown = failing.stream().map(f -> catchThrowable(f::join).getCause()).toList();
    assertThat(thrown).allSatisfy(e -> assertThat(e).isInstanceOf(CacheException.class)
        .hasMessage("pgjcache: cache 'c': put failed").hasCause(cause));
    assertThat(thrown).doesNotHaveDuplicates();
    // The group keeps working after a failure.
    group.put(List.of(key("ok-after")), List.of(value("2")));
    assertThat(batches.get(batches.size() - 1)).containsExactly("ok-after");
  }

  @Test
  void aBatchWhoseRunnerThrowsAnError_passesItOn_andTheCallsQueuedBehindItStillRun() throws Exception {
    GroupCommit group = new GroupCommit(batch -> {
      record(batch);
      if (batches.size() == 1) {
        awaitRelease();
        throw new AssertionError("the runner broke");
      }
    });
    CompletableFuture<Void> first = run(() -> group.put(List.of(key("first")), List.of(value("1"))));
    awaitBatches(1);
    CompletableFuture<Void> queued = run(() -> group.put(List.of(key("queued")), List.of(value("2"))));
    awaitQueued(group, 1);

    release.countDown();

    assertThat(catchThrowable(first::join)).hasRootCauseInstanceOf(AssertionError.class);
    queued.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
    assertThat(batches).containsExactly(List.of("first"), List.of("queued"));
  }

  @Test
  void oneCall_alwaysGoesWhole_andBatchesStopAtTheRowLimitOtherwise() {
    GroupCommit group = new GroupCommit(recordingHeldFirst());
    CompletableFuture<Void> first = run(() -> group.put(List.of(key("first")), List.of(value("1"))));
    awaitBatches(1);
    List<EncodedKey> many = IntStream.range(0, GroupCommit.MAX_ROWS).mapToObj(i -> key("many" + i)).toList();
    CompletableFuture<Void> big = run(() -> group.put(many, many.stream().map(k -> value("v")).toList()));
    awaitQueued(group, 1);
    CompletableFuture<Void> after = run(() -> group.put(List.of(key("after")), List.of(value("1"))));
    awaitQueued(group, 2);

    release.countDown();

    CompletableFuture.allOf(first, big, after).join();
    assertThat(batches).extracting(List::size).containsExactly(1, 1, 1);
  }

  @Test
  void underALimitOfTwo_aSecondCallRunsAtOnce_andAThirdQueuesForTheFirstBatchToEnd() {
    Map<String, CountDownLatch> holds = holding("held1", "held2");
    GroupCommit group = new GroupCommit(recordingHeldBy(holds), () -> 2);
    CompletableFuture<Void> first = run(() -> group.put(List.of(key("held1")), List.of(value("1"))));
    CompletableFuture<Void> second = run(() -> group.put(List.of(key("held2")), List.of(value("2"))));
    awaitBatches(2);
    assertThat(group.queued()).isZero();
    CompletableFuture<Void> third = run(() -> group.put(List.of(key("third")), List.of(value("3"))));
    awaitQueued(group, 1);

    holds.get("held1").countDown();

    first.join();
    third.join();
    assertThat(second).isNotDone();
    holds.get("held2").countDown();
    second.join();
    assertThat(batches).containsExactlyInAnyOrder(List.of("held1"), List.of("held2"), List.of("third"));
  }

  @Test
  void whenTheLimitFalls_queuedCallsWaitUntilTheBatchesInFlightFitUnderIt() {
    Map<String, CountDownLatch> holds = holding("held1", "held2");
    AtomicInteger limit = new AtomicInteger(2);
    GroupCommit group = new GroupCommit(recordingHeldBy(holds), limit::get);
    CompletableFuture<Void> first = run(() -> group.put(List.of(key("held1")), List.of(value("1"))));
    CompletableFuture<Void> second = run(() -> group.put(List.of(key("held2")), List.of(value("2"))));
    awaitBatches(2);
    limit.set(1);
    CompletableFuture<Void> queued = run(() -> group.put(List.of(key("queued")), List.of(value("3"))));
    awaitQueued(group, 1);

    holds.get("held1").countDown();
    first.join();

    // Two were in flight, one still is: the limit of one leaves no room for the queued call yet.
    assertThat(group.queued()).isEqualTo(1);
    assertThat(batches).hasSize(2);
    holds.get("held2").countDown();
    second.join();
    queued.join();
    assertThat(batches.get(2)).containsExactly("queued");
  }

  // ---- support ---------------------------------------------------------------------------------

  /** A runner that records each batch and holds the first one until {@link #release}. */
  private GroupCommit.Runner recordingHeldFirst() {
    return batch -> {
      record(batch);
      if (batches.size() == 1) {
        awaitRelease();
      }
    };
  }

  /** A latch for each named key, released by the test. */
  private static Map<String, CountDownLatch> holding(String... keys) {
    Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    for (String k : keys) {
      holds.put(k, new CountDownLatch(1));
    }
    return holds;
  }

  /** A runner that records each batch and holds a batch whose first key has a latch until it is released. */
  private GroupCommit.Runner recordingHeldBy(Map<String, CountDownLatch> holds) {
    return batch -> {
      record(batch);
      CountDownLatch hold = holds.get(first(batch.get(0)));
      if (hold != null) {
        awaitRelease(hold);
      }
    };
  }

  private void record(List<GroupCommit.Call> batch) {
    batches.add(batch.stream().map(GroupCommitTest::first).toList());
  }

  private static String first(GroupCommit.Call call) {
    return new String(call.keys().get(0).bytes(), StandardCharsets.UTF_8);
  }

  private void awaitRelease() {
    awaitRelease(release);
  }

  private static void awaitRelease(CountDownLatch latch) {
    try {
      assertThat(latch.await(WITHIN.toSeconds(), TimeUnit.SECONDS)).as("released").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitBatches(int count) {
    await().atMost(WITHIN).until(() -> batches.size() >= count);
  }

  private static void awaitQueued(GroupCommit group, int count) {
    await().atMost(WITHIN).until(() -> group.queued() == count);
  }

  private CompletableFuture<Void> run(Runnable call) {
    return CompletableFuture.runAsync(call, threads);
  }

  private <T> CompletableFuture<T> supply(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, threads);
  }

  private static EncodedKey key(String name) {
    return EncodedKey.of(name.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] value(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
