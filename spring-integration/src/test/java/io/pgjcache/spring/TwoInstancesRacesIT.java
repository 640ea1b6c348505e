package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * The races of cache writes in transactions, through {@code @Cacheable} and {@code @Transactional @CachePut} on two
 * instances of an application that share the database (data and caches), for {@code pgjcache.transaction-mode}
 * {@code join} and {@code defer}. The transaction advice runs outside the caching advice, so that a
 * {@code @CachePut} happens inside the transaction.
 *
 * <p>With {@code join} a cache write commits with the data: once the commit's notification has arrived, no instance
 * serves an older state, whatever runs or stops after the commit. With {@code defer} the write happens after the
 * commit, from the committing thread: until it lands every instance serves the old state, and a write deferred by
 * an earlier transaction can land after a later one's and stay. {@link AfterCommitGate} holds a transaction right
 * after its commit to show both deterministically. The races without a pause (loads against updates, rollbacks)
 * end right in both modes.
 */
class TwoInstancesRacesIT {
  private static final int ITERATIONS = 200;
  private static final Duration ARRIVES_WITHIN = Duration.ofSeconds(10);
  private static final String CACHE_SCHEMA = TestDatabase.freshSchema();
  private static final String DATA_SCHEMA = TestDatabase.freshSchema();
  private static final AtomicLong IDS = new AtomicLong();

  private static final List<ConfigurableApplicationContext> STARTED = new ArrayList<>();

  /** Two instances in one mode. */
  enum Mode {
    JOIN, DEFER;

    Instance a;
    Instance b;
  }

  /** One instance of the application: its service, gate and Spring cache manager. */
  record Instance(Counters counters, AfterCommitGate gate, CacheManager caches) {
    static Instance of(ConfigurableApplicationContext context) {
      return new Instance(context.getBean(Counters.class), context.getBean(AfterCommitGate.class),
          context.getBean(CacheManager.class));
    }
  }

  @BeforeAll
  static void start() {
    new JdbcTemplate(TestDatabase.dataSource()).execute("CREATE SCHEMA " + DATA_SCHEMA
        + "; CREATE TABLE " + DATA_SCHEMA + ".counters (id bigint PRIMARY KEY, n bigint NOT NULL)");
    for (Mode mode : Mode.values()) {
      mode.a = Instance.of(start(mode));
      mode.b = Instance.of(start(mode));
    }
  }

  private static ConfigurableApplicationContext start(Mode mode) {
    ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
        .web(WebApplicationType.NONE)
        .properties("pgjcache.schema=" + CACHE_SCHEMA, "pgjcache.jdbc.url=", "spring.cache.cache-names=" + Counters.CACHE,
            "pgjcache.transaction-mode=" + mode.name().toLowerCase(), "counters.table=" + DATA_SCHEMA + ".counters")
        .run();
    STARTED.add(context);
    return context;
  }

  @AfterAll
  static void stop() {
    STARTED.forEach(ConfigurableApplicationContext::close);
    new JdbcTemplate(TestDatabase.dataSource()).execute("DROP SCHEMA " + DATA_SCHEMA + " CASCADE");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void heldRightAfterTheCommit_join_theOtherInstanceServesTheNewState_defer_theOld(Mode mode) throws Exception {
    long id = counterCachedOnBoth(mode, 1);
    CompletableFuture<Long> update = heldAfterCommit(mode.a, () -> mode.a.counters().set(id, 2));

    assertThat(mode.a.counters().valueInDatabase(id)).isEqualTo(2);
    if (mode == Mode.JOIN) {
      assertEventuallyServed(mode.b, id, 2);
    } else {
      assertThat(mode.b.counters().value(id)).as("served while the deferred put waits").isEqualTo(1);
    }
    mode.a.gate().open();
    assertThat(update.get(30, TimeUnit.SECONDS)).isEqualTo(2);
    assertEventuallyServed(mode.b, id, 2);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anEarlierCommitHeldBeforeItsAfterCommitWork_join_leavesTheLastState_defer_putsTheOlderOneOverIt(Mode mode)
      throws Exception {
    long id = counterCachedOnBoth(mode, 0);
    CompletableFuture<Long> first = heldAfterCommit(mode.a, () -> mode.a.counters().increment(id));
    assertThat(mode.b.counters().increment(id)).isEqualTo(2);
    mode.a.gate().open();
    assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1);

    assertThat(mode.a.counters().valueInDatabase(id)).isEqualTo(2);
    if (mode == Mode.JOIN) {
      assertEventuallyServed(mode.a, id, 2);
      assertEventuallyServed(mode.b, id, 2);
    } else {
      assertThat(mode.a.counters().value(id)).as("the first transaction's deferred put, landed last").isEqualTo(1);
      await().atMost(ARRIVES_WITHIN).until(() -> mode.b.counters().value(id) == 1);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void updatesOnOne_racingLoadsOnTheOther_neverGoBack_andEndOnTheLastState(Mode mode) throws Exception {
    long id = counterCachedOnBoth(mode, 0);
    CompletableFuture<List<Long>> loads = CompletableFuture.supplyAsync(() -> {
      List<Long> seen = new ArrayList<>();
      for (int i = 0; i < ITERATIONS; i++) {
        mode.b.caches().getCache(Counters.CACHE).evict(id);
        seen.add(mode.b.counters().value(id));
      }
      return seen;
    });
    for (int i = 1; i <= ITERATIONS; i++) {
      mode.a.counters().set(id, i);
    }
    assertThat(loads.get(60, TimeUnit.SECONDS)).isSorted();
    assertEventuallyServed(mode.a, id, ITERATIONS);
    assertEventuallyServed(mode.b, id, ITERATIONS);
  }

  @Test
  void join_concurrentIncrementsOnTwoInstances_leaveTheLastCountCached() throws Exception {
    Mode mode = Mode.JOIN;
    long id = counterCachedOnBoth(mode, 0);
    CompletableFuture<Void> onB = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < ITERATIONS; i++) {
        mode.b.counters().increment(id);
      }
    });
    for (int i = 0; i < ITERATIONS; i++) {
      mode.a.counters().increment(id);
    }
    onB.get(60, TimeUnit.SECONDS);
    assertThat(mode.a.counters().valueInDatabase(id)).isEqualTo(2L * ITERATIONS);
    assertEventuallyServed(mode.a, id, 2L * ITERATIONS);
    assertEventuallyServed(mode.b, id, 2L * ITERATIONS);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aPutInARolledBackTransaction_changesNothingAnyInstanceServes(Mode mode) {
    long id = counterCachedOnBoth(mode, 1);
    long marker = counterCachedOnBoth(mode, 1);
    for (int i = 0; i < ITERATIONS / 4; i++) {
      long n = 100 + i;
      assertThatThrownBy(() -> mode.a.counters().setThenFail(id, n)).isInstanceOf(IllegalStateException.class);
    }
    // Notifications arrive in commit order: once B heard the marker's later change, it heard any put that committed.
    mode.a.counters().set(marker, 2);
    assertEventuallyServed(mode.b, marker, 2);
    assertThat(mode.a.counters().valueInDatabase(id)).isEqualTo(1);
    assertThat(mode.a.counters().value(id)).isEqualTo(1);
    assertThat(mode.b.counters().value(id)).isEqualTo(1);
  }

  /** A new counter at {@code n}, in the cache and in both instances' near caches. */
  private static long counterCachedOnBoth(Mode mode, long n) {
    long id = IDS.incrementAndGet();
    mode.a.counters().create(id, n);
    assertThat(mode.a.counters().value(id)).isEqualTo(n);
    assertEventuallyServed(mode.b, id, n);
    return id;
  }

  /** Runs {@code update} on a thread of its own and returns once its transaction committed and is held. */
  private static <T> CompletableFuture<T> heldAfterCommit(Instance instance, java.util.function.Supplier<T> update)
      throws InterruptedException {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        result.complete(update.get());
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    }, "held-after-commit");
    thread.setDaemon(true);
    instance.gate().hold(thread);
    thread.start();
    instance.gate().awaitHeld();
    return result;
  }

  /** The instance serves {@code n} once what it waits for has arrived, and keeps serving it. */
  private static void assertEventuallyServed(Instance instance, long id, long n) {
    await().atMost(ARRIVES_WITHIN).until(() -> instance.counters().value(id) == n);
    assertThat(instance.counters().value(id)).isEqualTo(n);
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class})
  // The transaction advice outside the caching advice: a @CachePut then runs inside the transaction.
  @EnableTransactionManagement(proxyTargetClass = true, order = 0)
  @EnableCaching(proxyTargetClass = true, order = 1)
  static class Application {
    @Bean
    DataSource dataSource() {
      return TestDatabase.dataSource();
    }

    @Bean
    AfterCommitGate afterCommitGate() {
      return new AfterCommitGate();
    }

    @Bean
    Counters counters(JdbcTemplate jdbc, AfterCommitGate gate, CacheManager caches, Environment environment) {
      return new Counters(jdbc, environment.getRequiredProperty("counters.table"), gate, caches);
    }
  }
}
