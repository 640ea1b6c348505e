package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.PrivatePostgres;
import io.pgjcache.testing.Tables;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Read-modify-write operations are atomic across nodes, not only across the threads of one node. Runs on caches of
 * this version's form; {@link AtomicityOfDigestKeyedCachesIT} runs the same on caches of the earlier form.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AtomicityIT {
  private static final int NODES = 2;
  private static final int THREADS_PER_NODE = 8;
  private static final int WORKERS = NODES * THREADS_PER_NODE;

  private Cluster cluster;

  @BeforeAll
  void start() {
    cluster = Cluster.of(NODES, nodeProperties());
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  /** The settings of every node: caches of this version's form. */
  Properties nodeProperties() {
    return new Properties();
  }

  /** Whether plain writes take their keys' advisory locks in the caches these nodes register (the earlier form). */
  private boolean plainWritesLockKeys() {
    return "false".equals(nodeProperties().getProperty("pgjcache.verbatim-short-keys"));
  }

  /** What one worker thread does, given its node's cache and its number (0 to WORKERS - 1). */
  @FunctionalInterface
  private interface Work<K, V> {
    void run(Cache<K, V> cache, int worker) throws Exception;
  }

  /** Runs {@code THREADS_PER_NODE} workers on each node, all released at once, and fails if any failed. */
  private static <K, V> void race(List<Cache<K, V>> caches, Work<K, V> work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int worker = 0; worker < WORKERS; worker++) {
        int id = worker;
        Cache<K, V> cache = caches.get(worker % NODES);
        futures.add(pool.submit(() -> {
          start.await();
          work.run(cache, id);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Adds one to the key's value (one if absent) with {@code invoke}, {@code times} times. */
  private static void increment(Cache<String, Integer> cache, String key, int times) {
    for (int i = 0; i < times; i++) {
      cache.invoke(key, (entry, args) -> {
        entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
        return null;
      });
    }
  }

  private <V> List<Cache<String, V>> caches(String name, Class<V> valueType) {
    return cluster.cache(name, new MutableConfiguration<String, V>().setTypes(String.class, valueType));
  }

  @Test
  void invoke_incrementsOneCounter_withoutLosingAnUpdate() throws Exception {
    int iterations = 200;
    List<Cache<String, Integer>> caches = caches("atomic-invoke", Integer.class);
    race(caches, (cache, worker) -> increment(cache, "counter", iterations));
    assertThat(caches.get(0).get("counter")).isEqualTo(WORKERS * iterations);
  }

  // The provider's own pool runs its transactions at READ COMMITTED whatever the database's default: at REPEATABLE
  // READ, increments racing on one key would fail with serialization errors.
  @Test
  void invoke_incrementsOneCounter_inADatabaseWhoseDefaultIsRepeatableRead(@TempDir Path dataDirectory)
      throws Exception {
    int iterations = 50;
    try (PrivatePostgres server = PrivatePostgres.start(dataDirectory)) {
      try (Connection c = server.superuserConnection(); Statement statement = c.createStatement()) {
        statement.execute("ALTER DATABASE postgres SET default_transaction_isolation = 'repeatable read'");
      }
      try (Connection c = server.superuserConnection(); Statement statement = c.createStatement();
          ResultSet isolation = statement.executeQuery("SHOW transaction_isolation")) {
        assertThat(isolation.next()).isTrue();
        assertThat(isolation.getString(1)).as("a new session's isolation").isEqualTo("repeatable read");
      }
      Properties properties = nodeProperties();
      properties.setProperty("pgjcache.jdbc.url", server.jdbcUrl());
      properties.setProperty("pgjcache.jdbc.user", "postgres");
      try (Cluster repeatableRead = Cluster.of(NODES, properties)) {
        List<Cache<String, Integer>> caches = repeatableRead.cache("atomic-repeatable-read",
            new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        race(caches, (cache, worker) -> increment(cache, "counter", iterations));
        assertThat(caches.get(0).get("counter")).isEqualTo(WORKERS * iterations);
      }
    }
  }

  @Test
  void putIfAbsent_hasExactlyOneWinnerPerKey() throws Exception {
    int keys = 100;
    List<Cache<String, Integer>> caches = caches("atomic-putIfAbsent", Integer.class);
    Map<String, Queue<Integer>> winners = new ConcurrentHashMap<>();
    race(caches, (cache, worker) -> {
      for (int i = 0; i < keys; i++) {
        String key = "k" + i;
        if (cache.putIfAbsent(key, worker)) {
          winners.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(worker);
        }
      }
    });
    assertThat(winners).hasSize(keys);
    for (int i = 0; i < keys; i++) {
      String key = "k" + i;
      assertThat(winners.get(key)).as(key).hasSize(1);
      assertThat(caches.get(1).get(key)).as(key).isEqualTo(winners.get(key).peek());
    }
  }

  @Test
  void replace_asCompareAndSet_incrementsWithoutLosingAnUpdate() throws Exception {
    int iterations = 50;
    List<Cache<String, Integer>> caches = caches("atomic-replace", Integer.class);
    caches.get(0).put("counter", 0);
    AtomicInteger attempts = new AtomicInteger();
    race(caches, (cache, worker) -> {
      for (int i = 0; i < iterations; i++) {
        boolean replaced;
        do {
          attempts.incrementAndGet();
          int current = cache.get("counter");
          replaced = cache.replace("counter", current, current + 1);
        } while (!replaced);
      }
    });
    assertThat(caches.get(1).get("counter")).isEqualTo(WORKERS * iterations);
    assertThat(attempts.get()).as("the workers did contend").isGreaterThan(WORKERS * iterations);
  }

  @Test
  void getAndPut_returnsEveryValueWrittenExactlyOnce_exceptTheLast() throws Exception {
    int iterations = 100;
    List<Cache<String, String>> caches = caches("atomic-getAndPut", String.class);
    Queue<String> returned = new ConcurrentLinkedQueue<>();
    AtomicInteger nulls = new AtomicInteger();
    race(caches, (cache, worker) -> {
      for (int i = 0; i < iterations; i++) {
        String old = cache.getAndPut("chain", worker + "-" + i);
        if (old == null) {
          nulls.incrementAndGet();
        } else {
          returned.add(old);
        }
      }
    });
    Set<String> written = new HashSet<>();
    IntStream.range(0, WORKERS).forEach(w -> IntStream.range(0, iterations).forEach(i -> written.add(w + "-" + i)));
    String last = caches.get(0).get("chain");

    assertThat(nulls.get()).as("only the first write finds nothing").isEqualTo(1);
    assertThat(returned).as("no value is returned twice").doesNotHaveDuplicates();
    assertThat(returned).as("the value still stored was never returned as old").doesNotContain(last);
    Set<String> accountedFor = new HashSet<>(returned);
    accountedFor.add(last);
    assertThat(accountedFor).as("every value written was replaced by another, except the last").isEqualTo(written);
  }

  @Test
  void conditionalRemove_succeedsExactlyOncePerKey() throws Exception {
    int keys = 100;
    List<Cache<String, String>> caches = caches("atomic-remove", String.class);
    for (int i = 0; i < keys; i++) {
      caches.get(0).put("k" + i, "v");
    }
    Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
    race(caches, (cache, worker) -> {
      for (int i = 0; i < keys; i++) {
        String key = "k" + i;
        if (cache.remove(key, "v")) {
          successes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
      }
    });
    assertThat(successes).hasSize(keys);
    assertThat(successes.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    assertThat(caches.get(1).iterator().hasNext()).isFalse();
  }

  @Test
  void putAll_racingInvokeOnTheSameKeys_isNeverUndoneByAnIncrementThatReadBeforeIt() throws Exception {
    // A value is its generation times one million plus the increments since that generation's putAll. One worker
    // writes each generation to every key with putAll, the others increment with invoke: a putAll that slipped
    // between an invoke's read and its write would be overwritten by a value of an older generation.
    long generation = 1_000_000L;
    int generations = 30;
    Map<String, Long> keys = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      keys.put("k" + i, 0L);
    }
    List<Cache<String, Long>> caches = caches("atomic-putAll-invoke", Long.class);
    caches.get(0).putAll(keys);
    AtomicLong committed = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger increments = new AtomicInteger();
    Queue<String> stale = new ConcurrentLinkedQueue<>();
    race(caches, (cache, worker) -> {
      if (worker == 0) {
        try {
          for (long g = 1; g <= generations; g++) {
            Map<String, Long> next = new LinkedHashMap<>();
            for (String key : keys.keySet()) {
              next.put(key, g * generation);
            }
            cache.putAll(next);
            committed.set(g);
            // However the threads are scheduled, invokes run between generations: the next putAll waits for one.
            int before = increments.get();
            await("an invoke after generation " + g).atMost(Duration.ofSeconds(30))
                .until(() -> increments.get() > before);
          }
        } finally {
          done.set(true);
        }
        return;
      }
      for (int i = 0; !done.get(); i++) {
        String key = "k" + (i + worker) % keys.size();
        long floor = committed.get();
        cache.invoke(key, (entry, args) -> {
          long read = entry.getValue();
          if (read / generation < floor) {
            stale.add(key + " read " + read + " after generation " + floor + " had committed");
          }
          entry.setValue(read + 1);
          return null;
        });
        increments.incrementAndGet();
      }
    });
    assertThat(stale).isEmpty();
    assertThat(increments.get()).as("the invokes ran between the generations").isGreaterThanOrEqualTo(generations);
    for (String key : keys.keySet()) {
      // Read under the key's lock, from the table: a near copy may not have heard the last change yet.
      long stored = caches.get(1).invoke(key, (entry, args) -> entry.getValue());
      assertThat(stored / generation).as(key).isEqualTo(generations);
    }
  }

  // Nobody near-caches the cache, so that the writes are not grouped (Sql.Table#upsertManyEach): they take their
  // rows' locks in row key order. In a cache of an earlier version's form they take the keys' advisory locks in
  // ascending order instead, row by row for 24 keys, fewer than CacheTable.MAX_ROWS_LOCKED_ONE_BY_ONE, and all first
  // for 48 (Sql.Table#upsertManyLockedFirst), which AtomicityOfDigestKeyedCachesIT runs.
  @ParameterizedTest
  @ValueSource(ints = {24, 48})
  void putAllsOfOverlappingKeysInOppositeOrders_neverDeadlock_andTheLastToCommitWroteEveryKey(int keyCount)
      throws Exception {
    // Every worker writes the same keys, half of them in reverse order, so that statements taking their locks in
    // the order given would wait for each other crosswise: PostgreSQL would then abort one as a deadlock, which
    // fails its putAll. Values tell which worker and round wrote them.
    List<String> keys = IntStream.range(0, keyCount).mapToObj(i -> "k" + i).toList();
    List<String> reversed = new ArrayList<>(keys);
    Collections.reverse(reversed);
    int rounds = 40;
    PgCacheConfiguration<String, String> configuration = new PgCacheConfiguration<>();
    configuration.setTypes(String.class, String.class);
    List<Cache<String, String>> caches = cluster.cache("atomic-putAll-orders-" + keyCount,
        configuration.setNearCacheEnabled(false));
    race(caches, (cache, worker) -> {
      for (int round = 0; round < rounds; round++) {
        Map<String, String> entries = new LinkedHashMap<>();
        List<String> order = worker % 2 == 0 ? keys : reversed;
        for (String key : order) {
          entries.put(key, worker + "/" + round);
        }
        cache.putAll(entries);
      }
    });
    // Each putAll is one statement that locks the keys in the one order every node uses, so the one that committed
    // last wrote every key, and it was its worker's last round.
    Map<String, String> stored = caches.get(1).invokeAll(new HashSet<>(keys), (entry, args) -> entry.getValue())
        .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().get()));
    assertThat(stored).containsOnlyKeys(keys);
    assertThat(new HashSet<>(stored.values())).hasSize(1);
    assertThat(stored.get("k0")).endsWith("/" + (rounds - 1));
  }

  // 200 keys: more than one notification names (Sql.KEYS_PER_PAYLOAD), so their putAll takes the grouped form, and
  // enough for PostgreSQL to find the rows of a removeAll by a bitmap scan, in the order of the table's pages.
  @ParameterizedTest
  @ValueSource(ints = {24, 200})
  void putAllsAndRemoveAllsOfOverlappingKeysInOppositeOrders_neverDeadlock(int keyCount) throws Exception {
    // Removals lock their rows as puts do, in one order whatever the order given; a DELETE alone would lock them in
    // the order its scan finds them, and wait crosswise for a putAll.
    List<String> keys = IntStream.range(0, keyCount).mapToObj(i -> "k" + i).toList();
    List<String> reversed = new ArrayList<>(keys);
    Collections.reverse(reversed);
    PgCacheConfiguration<String, String> configuration = new PgCacheConfiguration<>();
    configuration.setTypes(String.class, String.class);
    List<Cache<String, String>> caches = cluster.cache("atomic-putAll-removeAll-" + keyCount, configuration);
    AtomicInteger removed = new AtomicInteger();
    race(caches, (cache, worker) -> {
      for (int round = 0; round < 40; round++) {
        List<String> order = (worker + round) % 2 == 0 ? keys : reversed;
        // Each node gets workers of both kinds, so that its batches meet calls of the other kind.
        if (worker / NODES % 2 == 0) {
          Map<String, String> entries = new LinkedHashMap<>();
          order.forEach(key -> entries.put(key, "v"));
          cache.putAll(entries);
        } else {
          cache.removeAll(new LinkedHashSet<>(order));
          removed.incrementAndGet();
        }
      }
    });
    assertThat(removed.get()).isEqualTo(WORKERS / 2 * 40);
  }

  // An invoke holds the lock of the key's row, a row of its own when the key had none, and a plain put of the key on
  // another node, which takes no advisory lock, waits for that row lock (not for the key's advisory lock) until the
  // invoke commits; it then comes after, so the invoke's value is overwritten rather than the put's. In caches of the
  // earlier form the put waits for the key's advisory lock instead, with the same outcome.
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aPutOfAKeyThatAnInvokeHolds_waitsForItsCommit(boolean keyHadARow) throws Exception {
    List<Cache<String, String>> caches = withoutNearCache("atomic-invoke-held-" + keyHadARow);
    if (keyHadARow) {
      caches.get(0).put("k", "X");
    }
    Queue<String> seen = new ConcurrentLinkedQueue<>();
    CountDownLatch read = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<String> invoked = pool.submit(() -> caches.get(0).invoke("k", (entry, args) -> {
        String found = entry.exists() ? entry.getValue() : "nothing";
        seen.add(found);
        read.countDown();
        awaitLatch(release);
        entry.setValue(found + "+A");
        return found;
      }));
      assertThat(read.await(60, TimeUnit.SECONDS)).isTrue();
      Future<?> put = pool.submit(() -> caches.get(1).put("k", "B"));
      await("the put waiting for the row's lock").atMost(Duration.ofSeconds(60))
          .until(() -> Tables.sessionsWaitingForLocksOn(caches.get(1)) == 1);
      assertThat(Tables.sessionsWaitingForKeyLock(caches.get(1), "k")).isEqualTo(plainWritesLockKeys() ? 1 : 0);
      release.countDown();

      assertThat(invoked.get(60, TimeUnit.SECONDS)).isEqualTo(keyHadARow ? "X" : "nothing");
      put.get(60, TimeUnit.SECONDS);
      String stored = caches.get(1).invoke("k", (entry, args) -> entry.getValue());
      assertThat(stored).as("the put came after").isEqualTo("B");
      assertThat(seen).as("the invoke's processor ran once").hasSize(1);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void readModifyWritesThatStoreNothingForAKeyWithoutARow_leaveNoRowBehind() {
    List<Cache<String, String>> caches = withoutNearCache("atomic-invoke-nothing");
    String found = caches.get(0).invoke("k", (entry, args) -> entry.exists() ? "row" : "none");
    assertThat(found).isEqualTo("none");
    // Asked at once: the expiry sweeper would delete a row left behind (it is expired) within a second or so.
    assertThat(Tables.hasRow(caches.get(0), "k")).as("a row left by the invoke").isFalse();
    assertThat(caches.get(0).remove("absent", "v")).isFalse();
    assertThat(Tables.hasRow(caches.get(0), "absent")).as("a row left by remove(k, v)").isFalse();
    assertThat(caches.get(0).replace("absent", "v")).isFalse();
    assertThat(Tables.hasRow(caches.get(0), "absent")).as("a row left by replace").isFalse();
    assertThat(caches.get(0).putIfAbsent("k", "v")).isTrue();
    assertThat(caches.get(0).putIfAbsent("k", "w")).isFalse();
    assertThat(Tables.rowCount(caches.get(0))).as("only the key put has a row").isEqualTo(1);
    assertThat(caches.get(1).get("k")).isEqualTo("v");
  }

  // A read-modify-write that never creates an entry claims no key without a row: it takes effect as of its read, so
  // another client's uncommitted insert of the key does not hold it up. One that may create the entry claims the key:
  // it waits for that insert and, once it commits, finds the entry and keeps it, where without the claim it would
  // overwrite it. Caches of the earlier form claim nothing: the provider's plain writes take the key's advisory lock
  // there, so only another client's SQL comes between.
  @Test
  void readModifyWritesThatNeverCreate_claimNoKeyWithoutARow_whilePutIfAbsentDoes() throws Exception {
    Cache<String, String> cache = withoutNearCache("atomic-no-claim").get(0);
    PgCacheConfiguration<String, String> listened = new PgCacheConfiguration<>();
    listened.setTypes(String.class, String.class);
    listened.setNearCacheEnabled(false);
    // A listener makes removals read-modify-writes.
    listened.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(new InvalidationIT.IgnoringListener()), null, false, true));
    Cache<String, String> heard = cluster.cache("atomic-no-claim-heard", listened).get(0);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Tables.RowLock insert = Tables.insertUncommitted(cache, "k", "inserted");
        Tables.RowLock heardInsert = Tables.insertUncommitted(heard, "k", "inserted")) {
      assertThat(withoutWaiting(cache, pool, () -> cache.replace("k", "v"))).isFalse();
      assertThat(withoutWaiting(cache, pool, () -> cache.replace("k", "v", "w"))).isFalse();
      assertThat(withoutWaiting(cache, pool, () -> cache.getAndReplace("k", "v"))).isNull();
      assertThat(withoutWaiting(cache, pool, () -> cache.remove("k", "v"))).isFalse();
      assertThat(withoutWaiting(cache, pool, () -> cache.getAndRemove("k"))).isNull();
      assertThat(withoutWaiting(heard, pool, () -> heard.remove("k"))).isFalse();
      withoutWaiting(heard, pool, () -> {
        heard.removeAll(Set.of("k"));
        return null;
      });
      if (plainWritesLockKeys()) {
        return;
      }

      Future<Boolean> putIfAbsent = pool.submit(() -> cache.putIfAbsent("k", "v"));
      await("putIfAbsent waiting for the uncommitted insert").atMost(Duration.ofSeconds(60))
          .until(() -> Tables.sessionsWaitingForLocksOn(cache) == 1);
      assertThat(putIfAbsent).isNotDone();
      insert.commit();
      assertThat(putIfAbsent.get(60, TimeUnit.SECONDS)).as("putIfAbsent of a key created meanwhile").isFalse();
      assertThat(cache.get("k")).isEqualTo("inserted");
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs the operation on the pool and gives its result, failing if it waits for a lock instead of ending. */
  private static <T> T withoutWaiting(Cache<?, ?> cache, ExecutorService pool, Callable<T> operation)
      throws Exception {
    Future<T> result = pool.submit(operation);
    await("the operation ending or waiting for a lock").atMost(Duration.ofSeconds(60))
        .until(() -> result.isDone() || Tables.sessionsWaitingForLocksOn(cache) > 0);
    assertThat(result).as("ended without waiting for a lock").isDone();
    return result.get();
  }

  /** Caches no node near-caches: no notify triggers are created on their tables while a test holds rows locked. */
  private List<Cache<String, String>> withoutNearCache(String name) {
    PgCacheConfiguration<String, String> configuration = new PgCacheConfiguration<>();
    configuration.setTypes(String.class, String.class);
    return cluster.cache(name, configuration.setNearCacheEnabled(false));
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released within a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
