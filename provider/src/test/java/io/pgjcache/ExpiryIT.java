package io.pgjcache;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Expiry as the JCache policies define it, seen from two nodes. The sweeper is off here, so expired
 * rows stay in the table: what these tests show is that reads filter them, not that they were deleted.
 */
class ExpiryIT {
  private static final long MINUTE = 60_000;
  private static final AtomicInteger CACHES = new AtomicInteger();

  private static Cluster cluster;

  @BeforeAll
  static void start() {
    Properties noSweeper = new Properties();
    noSweeper.setProperty("pgjcache.sweep.interval", "PT0S");
    cluster = Cluster.of(2, noSweeper);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /**
   * A policy and what it does to an entry's expiry: the duration set on creation, access and update in
   * milliseconds ({@code ETERNAL} for none), or null where the policy leaves the expiry as it was.
   */
  record Case(String name, Factory<? extends ExpiryPolicy> factory, long creation, Long access, Long update) {
    static final long ETERNAL = Long.MAX_VALUE;

    @Override
    public String toString() {
      return name;
    }
  }

  /** Not one of the API's own policies: the provider must ask it at each step instead of predicting it. */
  static final class CustomPolicy implements ExpiryPolicy {
    private final Duration creation;
    private final Duration access;
    private final Duration update;

    CustomPolicy(Duration creation, Duration access, Duration update) {
      this.creation = creation;
      this.access = access;
      this.update = update;
    }

    static Factory<ExpiryPolicy> factory(Duration creation, Duration access, Duration update) {
      return () -> new CustomPolicy(creation, access, update);
    }

    @Override
    public Duration getExpiryForCreation() {
      return creation;
    }

    @Override
    public Duration getExpiryForAccess() {
      return access;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return update;
    }
  }

  static Stream<Case> minutePolicies() {
    Duration minute = new Duration(MILLISECONDS, MINUTE);
    return Stream.of(
        new Case("Created", CreatedExpiryPolicy.factoryOf(minute), MINUTE, null, null),
        new Case("Accessed", AccessedExpiryPolicy.factoryOf(minute), MINUTE, MINUTE, null),
        new Case("Modified", ModifiedExpiryPolicy.factoryOf(minute), MINUTE, null, MINUTE),
        new Case("Touched", TouchedExpiryPolicy.factoryOf(minute), MINUTE, MINUTE, MINUTE),
        new Case("Eternal", EternalExpiryPolicy.factoryOf(), Case.ETERNAL, null, null),
        new Case("Custom", CustomPolicy.factory(minute, new Duration(MILLISECONDS, 2 * MINUTE),
            new Duration(MILLISECONDS, 3 * MINUTE)), MINUTE, 2 * MINUTE, 3 * MINUTE));
  }

  static Stream<Case> shortPolicies() {
    Duration short_ = new Duration(MILLISECONDS, 300);
    return Stream.of(
        new Case("Created", CreatedExpiryPolicy.factoryOf(short_), 300, null, null),
        new Case("Accessed", AccessedExpiryPolicy.factoryOf(short_), 300, 300L, null),
        new Case("Modified", ModifiedExpiryPolicy.factoryOf(short_), 300, null, 300L),
        new Case("Touched", TouchedExpiryPolicy.factoryOf(short_), 300, 300L, 300L),
        new Case("Custom", CustomPolicy.factory(short_, null, null), 300, null, null));
  }

  static Stream<Case> zeroOnCreation() {
    return Stream.of(
        new Case("Created", CreatedExpiryPolicy.factoryOf(Duration.ZERO), 0, null, null),
        new Case("Accessed", AccessedExpiryPolicy.factoryOf(Duration.ZERO), 0, 0L, null),
        new Case("Modified", ModifiedExpiryPolicy.factoryOf(Duration.ZERO), 0, null, 0L),
        new Case("Touched", TouchedExpiryPolicy.factoryOf(Duration.ZERO), 0, 0L, 0L),
        new Case("Custom", CustomPolicy.factory(Duration.ZERO, null, Duration.ETERNAL), 0, null, Case.ETERNAL));
  }

  private static List<Cache<String, String>> caches(Factory<? extends ExpiryPolicy> policy) {
    return cluster.cache("expiry-" + CACHES.incrementAndGet(), new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class).setExpiryPolicyFactory(policy));
  }

  // ---- reads never return expired entries ---------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("shortPolicies")
  void expiredEntries_areNeverReturned_byAnyRead_fromEitherNode(Case policy) {
    List<Cache<String, String>> caches = caches(policy.factory());
    Cache<String, String> a = caches.get(0);
    List<String> keys = List.of("get", "getAll", "containsKey", "iterator", "invoke", "getAndPut", "getAndRemove",
        "getAndReplace", "replace", "replaceIfEquals", "remove", "removeIfEquals", "putIfAbsent");
    for (String key : keys) {
      a.put(key, "v");
    }
    a.put("probe", "v");
    // containsKey is no access: waiting does not extend the entries it watches. The probe was written
    // last, so when it has expired, so has every other key.
    await().atMost(5, SECONDS).pollInterval(20, MILLISECONDS)
        .until(() -> !caches.get(1).containsKey("probe"));
    assertThat(Tables.hasRow(a, "get")).as("expired rows stay until swept").isTrue();

    for (Cache<String, String> cache : caches) {
      String node = cache.getCacheManager().getURI().toString();
      assertThat(cache.get("get")).as(node).isNull();
      assertThat(cache.getAll(Set.copyOf(keys))).as(node).isEmpty();
      assertThat(cache.containsKey("containsKey")).as(node).isFalse();
      assertThat(cache.iterator().hasNext()).as(node).isFalse();
      String seenByProcessor = cache.invoke("invoke", (entry, args) -> entry.exists() + ":" + entry.getValue());
      assertThat(seenByProcessor).as(node).isEqualTo("false:null");
    }
    Cache<String, String> b = caches.get(1);
    assertThat(b.getAndPut("getAndPut", "new")).isNull();
    assertThat(b.getAndRemove("getAndRemove")).isNull();
    assertThat(b.getAndReplace("getAndReplace", "new")).isNull();
    assertThat(b.replace("replace", "new")).isFalse();
    assertThat(b.replace("replaceIfEquals", "v", "new")).isFalse();
    assertThat(b.remove("remove")).isFalse();
    assertThat(b.remove("removeIfEquals", "v")).isFalse();
    assertThat(b.putIfAbsent("putIfAbsent", "new")).isTrue();
    assertThat(a.getAll(Set.copyOf(keys))).isEqualTo(Map.of("getAndPut", "new", "putIfAbsent", "new"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shortPolicies")
  void get_neverReturnsAValue_afterItsExpiryTime(Case policy) {
    List<Cache<String, String>> caches = caches(policy.factory());
    caches.get(0).put("k", "v");
    long latestExpiry = System.currentTimeMillis() + policy.creation();
    AtomicInteger reads = new AtomicInteger();
    // Read from both nodes in turn across the expiry time: a value may only come from a read that
    // started before the latest possible expiry. Policies that extend on access are read with
    // containsKey, which is no access, so that their expiry stays where it is.
    await().atMost(5, SECONDS).pollInterval(5, MILLISECONDS).until(() -> {
      Cache<String, String> cache = caches.get(reads.incrementAndGet() % 2);
      long started = System.currentTimeMillis();
      boolean present = policy.access() == null ? cache.get("k") != null : cache.containsKey("k");
      if (present) {
        assertThat(started).as("a read at %d returned an entry expiring by %d", started, latestExpiry)
            .isLessThan(latestExpiry);
      }
      return !present;
    });
    for (Cache<String, String> cache : caches) {
      assertThat(cache.get("k")).isNull();
      assertThat(cache.containsKey("k")).isFalse();
    }
  }

  // ---- what each policy does to the stored expiry -------------------------------------------------

  /** Expiry after a step that ran between {@code from} and {@code to}, given the expiry before it. */
  private static void assertExpiry(Cache<String, String> cache, String key, Long duration, long from, long to,
      long before, String step) {
    long expiresAt = Tables.expiresAt(cache, key);
    if (duration == null) {
      assertThat(expiresAt).as("%s keeps the expiry", step).isEqualTo(before);
    } else if (duration == Case.ETERNAL) {
      assertThat(expiresAt).as("%s makes the entry eternal", step).isEqualTo(Long.MAX_VALUE);
    } else {
      assertThat(expiresAt).as("%s sets the expiry to %d ms from now", step, duration)
          .isBetween(from + duration, to + duration);
    }
  }

  /** Runs one step once the clock has moved past {@code after}, so that a reset is told apart from a keep. */
  private static long[] step(long after, Runnable operation) {
    await().atMost(1, SECONDS).pollInterval(1, MILLISECONDS)
        .until(() -> System.currentTimeMillis() > after + 1);
    long from = System.currentTimeMillis();
    operation.run();
    return new long[] {from, System.currentTimeMillis()};
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("minutePolicies")
  void creation_access_andUpdate_setTheExpiryThePolicyGives(Case policy) {
    List<Cache<String, String>> caches = caches(policy.factory());
    Cache<String, String> a = caches.get(0);
    Cache<String, String> b = caches.get(1);
    String k = "k";

    long[] t = step(0, () -> a.put(k, "v1"));
    assertExpiry(a, k, policy.creation(), t[0], t[1], 0, "create");

    List<Map.Entry<String, Runnable>> accesses = List.of(
        Map.entry("get", () -> b.get(k)),
        Map.entry("getAll", () -> a.getAll(Set.of(k))),
        Map.entry("iterator", () -> b.iterator().next()),
        Map.entry("invoke reading the value", () -> a.invoke(k, (entry, args) -> entry.getValue())),
        Map.entry("replace with a non-matching old value", () -> b.replace(k, "no such value", "x")));
    for (Map.Entry<String, Runnable> access : accesses) {
      long before = Tables.expiresAt(a, k);
      t = step(t[1], access.getValue());
      assertExpiry(a, k, policy.access(), t[0], t[1], before, access.getKey());
    }

    long beforeContainsKey = Tables.expiresAt(a, k);
    t = step(t[1], () -> b.containsKey(k));
    assertExpiry(a, k, null, t[0], t[1], beforeContainsKey, "containsKey (not an access)");

    List<Map.Entry<String, Runnable>> updates = List.of(
        Map.entry("put", () -> b.put(k, "v2")),
        Map.entry("getAndPut", () -> a.getAndPut(k, "v3")),
        Map.entry("replace", () -> b.replace(k, "v4")),
        Map.entry("replace of the matching value", () -> a.replace(k, "v4", "v5")),
        Map.entry("getAndReplace", () -> b.getAndReplace(k, "v6")),
        Map.entry("invoke setting the value", () -> a.invoke(k, (entry, args) -> {
          entry.setValue("v7");
          return null;
        })),
        Map.entry("putAll", () -> b.putAll(Map.of(k, "v8"))));
    for (Map.Entry<String, Runnable> update : updates) {
      long before = Tables.expiresAt(a, k);
      t = step(t[1], update.getValue());
      assertExpiry(a, k, policy.update(), t[0], t[1], before, update.getKey());
    }
    assertThat(a.get(k)).isEqualTo("v8");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shortPolicies")
  void anEntryThatExpired_isCreatedAfresh_byTheNextWrite(Case policy) {
    List<Cache<String, String>> caches = caches(policy.factory());
    caches.get(0).put("k", "v1");
    await().atMost(5, SECONDS).pollInterval(20, MILLISECONDS)
        .until(() -> !caches.get(1).containsKey("k"));
    long[] t = step(0, () -> caches.get(1).put("k", "v2"));
    assertExpiry(caches.get(0), "k", policy.creation(), t[0], t[1], 0, "put after expiry");
    assertThat(caches.get(0).get("k")).isEqualTo("v2");
  }

  // ---- access extends, zero durations ------------------------------------------------------------

  static Stream<Case> halfSecondPolicies() {
    Duration halfSecond = new Duration(MILLISECONDS, 500);
    return Stream.of(
        new Case("Created", CreatedExpiryPolicy.factoryOf(halfSecond), 500, null, null),
        new Case("Accessed", AccessedExpiryPolicy.factoryOf(halfSecond), 500, 500L, null),
        new Case("Modified", ModifiedExpiryPolicy.factoryOf(halfSecond), 500, null, 500L),
        new Case("Touched", TouchedExpiryPolicy.factoryOf(halfSecond), 500, 500L, 500L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("halfSecondPolicies")
  void reading_keepsAnEntryAlive_onlyForPoliciesThatExtendOnAccess(Case policy) {
    List<Cache<String, String>> caches = caches(policy.factory());
    long beforeWrite = System.currentTimeMillis();
    caches.get(0).put("k", "v");
    AtomicInteger reads = new AtomicInteger();
    if (policy.access() != null) {
      // Read every 50 ms, from both nodes in turn, for well over the 500 ms the entry lives unread.
      await().pollInterval(50, MILLISECONDS).during(1_200, MILLISECONDS).atMost(3, SECONDS)
          .until(() -> caches.get(reads.incrementAndGet() % 2).get("k") != null);
    } else {
      await().atMost(5, SECONDS).pollInterval(50, MILLISECONDS)
          .until(() -> caches.get(reads.incrementAndGet() % 2).get("k") == null);
      assertThat(System.currentTimeMillis() - beforeWrite).isGreaterThanOrEqualTo(500);
    }
    // Unread, it expires.
    await().atMost(5, SECONDS).pollInterval(20, MILLISECONDS).until(() -> !caches.get(1).containsKey("k"));
    assertThat(caches.get(0).get("k")).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zeroOnCreation")
  void zeroDurationOnCreation_storesNothing(Case policy) {
    List<Cache<String, String>> caches = caches(policy.factory());
    Cache<String, String> a = caches.get(0);
    a.put("put", "v");
    a.putAll(Map.of("putAll1", "v", "putAll2", "v"));
    a.putIfAbsent("putIfAbsent", "v");
    assertThat(a.getAndPut("getAndPut", "v")).isNull();
    a.invoke("invoke", (entry, args) -> {
      entry.setValue("v");
      return null;
    });
    Set<String> keys = Set.of("put", "putAll1", "putAll2", "putIfAbsent", "getAndPut", "invoke");
    for (Cache<String, String> cache : caches) {
      assertThat(cache.getAll(keys)).isEmpty();
      assertThat(cache.iterator().hasNext()).isFalse();
    }
    assertThat(Tables.rowCount(a)).isZero();
  }

  @Test
  void zeroDurationOnUpdate_removesTheEntry() {
    List<Cache<String, String>> caches = caches(CustomPolicy.factory(Duration.ETERNAL, null, Duration.ZERO));
    caches.get(0).put("k", "v1");
    assertThat(caches.get(1).get("k")).isEqualTo("v1");
    caches.get(1).put("k", "v2");
    assertThat(caches.get(0).get("k")).isNull();
    assertThat(caches.get(1).containsKey("k")).isFalse();
  }

  @Test
  void zeroDurationOnAccess_returnsTheValueOnce() {
    List<Cache<String, String>> caches = caches(CustomPolicy.factory(Duration.ETERNAL, Duration.ZERO, null));
    caches.get(0).put("k", "v");
    assertThat(caches.get(1).get("k")).isEqualTo("v");
    assertThat(caches.get(0).get("k")).isNull();
    assertThat(caches.get(1).containsKey("k")).isFalse();
  }

  @Test
  void eternalEntries_stayEternal() {
    List<Cache<String, String>> caches = caches(EternalExpiryPolicy.factoryOf());
    caches.get(0).put("k", "v");
    List<String> seen = new ArrayList<>();
    caches.get(1).forEach(entry -> seen.add(entry.getValue()));
    assertThat(seen).containsExactly("v");
    assertThat(Tables.expiresAt(caches.get(0), "k")).isEqualTo(Long.MAX_VALUE);
  }
}
