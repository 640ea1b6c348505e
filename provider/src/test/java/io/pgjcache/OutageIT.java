package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.PrivatePostgres;
import io.pgjcache.testing.Throwables;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Failure behaviour" of the design: with the database gone, every operation fails within the
 * configured timeouts with a {@link CacheException} that carries the SQL cause; nothing hangs; when the
 * database returns, the same manager and caches work again. After a crash, UNLOGGED caches are empty.
 * Each test runs its own server, which it stops, kills and restarts.
 */
class OutageIT {
  /** Connection timeout 1 s and statement timeout 2 s: anything slower than this bound is a hang. */
  private static final Duration FAIL_WITHIN = Duration.ofSeconds(5);
  private static final Duration RECOVER_WITHIN = Duration.ofSeconds(30);

  @TempDir
  Path dataDirectory;

  @Test
  void operations_failFastWithCause_whileDatabaseIsDown_andRecoverWithoutNewManager() {
    try (PrivatePostgres server = PrivatePostgres.start(dataDirectory);
        CacheManager manager = manager(server, "outage")) {
      Cache<String, String> cache = manager.createCache("outage", stringCache());
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");

      server.stop();

      // All at once, as application threads would: none may wait for another's timeout.
      List<Attempt> attempts = attemptConcurrently(operations(cache));
      assertThat(attempts).hasSize(operations(cache).size()).allSatisfy(OutageIT::assertFailedFastWithSqlCause);

      server.start();

      // A clean shutdown keeps even UNLOGGED tables, so the entry is still there.
      await().atMost(RECOVER_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .untilAsserted(() -> assertThat(cache.get("k")).isEqualTo("v"));
      cache.put("k2", "v2");
      String invoked = cache.invoke("k2", (entry, args) -> entry.getValue());
      assertThat(invoked).isEqualTo("v2");
      assertThat(cache.getAll(Set.of("k", "k2"))).isEqualTo(Map.of("k", "v", "k2", "v2"));
      assertThat(cache.containsKey("k2")).isTrue();
    }
  }

  @Test
  void crash_emptiesUnloggedCaches_keepsLoggedOnes_andCachesKeepWorking() {
    try (PrivatePostgres server = PrivatePostgres.start(dataDirectory);
        CacheManager manager = manager(server, "crash")) {
      Cache<String, String> unlogged = manager.createCache("volatile", stringCache());
      Cache<String, String> logged = manager.createCache("durable",
          new PgCacheConfiguration<String, String>().setUnlogged(false).setTypes(String.class, String.class));
      unlogged.put("k", "v");
      logged.put("k", "v");

      server.crash();

      assertFailedFastWithSqlCause(attemptAlone("get during the crash", () -> unlogged.get("k")));

      server.start();

      await().atMost(RECOVER_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .untilAsserted(() -> assertThat(unlogged.containsKey("k")).isFalse());
      assertThat(unlogged.get("k")).isNull();
      assertThat(unlogged.unwrap(PgCache.class).size()).isZero();
      assertThat(unlogged.iterator().hasNext()).isFalse();
      assertThat(logged.get("k")).as("a logged table survives the crash").isEqualTo("v");

      unlogged.put("k", "again");
      assertThat(unlogged.get("k")).isEqualTo("again");
      boolean exists = unlogged.invoke("k", (entry, args) -> entry.exists());
      assertThat(exists).isTrue();
    }
  }

  @Test
  void managerLifecycle_finishesFast_whileDatabaseIsDown_andAManagerMadeThenWorksOnceItIsBack() {
    try (PrivatePostgres server = PrivatePostgres.start(dataDirectory)) {
      CacheManager running = manager(server, "running");
      running.createCache("c", stringCache()).put("k", "v");
      server.stop();

      assertTimeoutPreemptively(FAIL_WITHIN, running::close, "close hung");
      assertThat(running.isClosed()).isTrue();

      // An application starting now gets its manager and caches; they work once the database is back.
      String name = "late-" + UUID.randomUUID().toString().substring(0, 8);
      CacheManager late = assertTimeoutPreemptively(FAIL_WITHIN, () -> manager(server, name), "getCacheManager hung");
      try (late) {
        Cache<String, String> cache = assertTimeoutPreemptively(FAIL_WITHIN,
            () -> late.createCache("late", stringCache()), "createCache hung");
        assertFailedFastWithSqlCause(attemptAlone("put before the database is back", () -> cache.put("k", "v")));

        server.start();

        await().atMost(RECOVER_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .untilAsserted(() -> cache.put("k", "v"));
        assertThat(cache.get("k")).isEqualTo("v");
        assertThat(late.getCache("c", String.class, String.class).get("k"))
            .as("entry written before the clean shutdown").isEqualTo("v");
      }
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(threadsNamedAfter(name)).as("threads of the closed manager").isEmpty());
    }
  }

  private static Map<String, ThrowingCallable> operations(Cache<String, String> cache) {
    Map<String, ThrowingCallable> operations = new LinkedHashMap<>();
    operations.put("get", () -> cache.get("k"));
    operations.put("put", () -> cache.put("k", "new"));
    operations.put("invoke", () -> cache.invoke("k", (entry, args) -> entry.getValue()));
    operations.put("getAll", () -> cache.getAll(Set.of("k", "other")));
    operations.put("containsKey", () -> cache.containsKey("k"));
    operations.put("remove", () -> cache.remove("k"));
    operations.put("putIfAbsent", () -> cache.putIfAbsent("other", "v"));
    return operations;
  }

  /** What one operation threw, and how long it took to do so. */
  private record Attempt(String operation, Throwable thrown, Duration took) {
  }

  private static Attempt attempt(String operation, ThrowingCallable callable) {
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(callable);
    return new Attempt(operation, thrown, Duration.ofNanos(System.nanoTime() - start));
  }

  private static Attempt attemptAlone(String operation, ThrowingCallable callable) {
    return attemptConcurrently(Map.of(operation, callable)).get(0);
  }

  /** Runs every operation on a thread of its own; a hung one fails the test instead of blocking it. */
  private static List<Attempt> attemptConcurrently(Map<String, ThrowingCallable> operations) {
    ExecutorService threads = Executors.newFixedThreadPool(operations.size());
    try {
      List<CompletableFuture<Attempt>> running = new ArrayList<>();
      operations.forEach((name, callable) ->
          running.add(CompletableFuture.supplyAsync(() -> attempt(name, callable), threads)));
      return assertTimeoutPreemptively(FAIL_WITHIN.plusSeconds(5),
          () -> running.stream().map(CompletableFuture::join).toList(), "operations hung");
    } finally {
      threads.shutdownNow();
    }
  }

  /** The operation threw CacheException with an SQLException among its causes, within the bound. */
  private static void assertFailedFastWithSqlCause(Attempt attempt) {
    String what = attempt.operation();
    assertThat(attempt.thrown()).as(what).isInstanceOf(CacheException.class)
        .hasMessageContaining("database unavailable");
    assertThat(Throwables.chain(attempt.thrown())).as(what + ": cause chain of " + attempt.thrown())
        .anySatisfy(cause -> assertThat(cause).isInstanceOf(SQLException.class));
    assertThat(attempt.took()).as(what + " took").isLessThan(FAIL_WITHIN);
  }

  private static Set<String> threadsNamedAfter(String managerName) {
    Set<String> names = new TreeSet<>();
    Thread.getAllStackTraces().keySet().forEach(thread -> {
      if (thread.isAlive() && thread.getName().contains(managerName)) {
        names.add(thread.getName());
      }
    });
    return names;
  }

  private static CacheManager manager(PrivatePostgres server, String name) {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.jdbc.url", server.jdbcUrl());
    properties.setProperty("pgjcache.jdbc.user", "postgres");
    properties.setProperty("pgjcache.connection-timeout", "PT1S");
    properties.setProperty("pgjcache.statement-timeout", "PT2S");
    return Cluster.provider().getCacheManager(URI.create("test:outage-" + name), OutageIT.class.getClassLoader(),
        properties);
  }

  private static MutableConfiguration<String, String> stringCache() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }
}
