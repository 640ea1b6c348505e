package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rest of the Cache and CacheManager API, on two nodes. */
class CacheOperationsIT {
  private static final AtomicInteger CACHES = new AtomicInteger();
  private static Cluster cluster;

  private String name;
  private Cache<String, String> a;
  private Cache<String, String> b;

  @BeforeAll
  static void start() {
    cluster = Cluster.of(2);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  @BeforeEach
  void createCache() {
    name = "ops-" + CACHES.incrementAndGet();
    List<Cache<String, String>> caches = cluster.cache(name, strings());
    a = caches.get(0);
    b = caches.get(1);
    a.putAll(Map.of("k1", "v1", "k2", "v2", "k3", "v3"));
  }

  private Map<String, String> contents(Cache<String, String> cache) {
    Map<String, String> contents = new HashMap<>();
    cache.forEach(entry -> contents.put(entry.getKey(), entry.getValue()));
    return contents;
  }

  // ---- single-key operations ---------------------------------------------------------------------

  @Test
  void getAndRemove_returnsTheOldValue_andRemovesIt() {
    assertThat(b.getAndRemove("k1")).isEqualTo("v1");
    assertThat(a.containsKey("k1")).isFalse();
    assertThat(b.getAndRemove("k1")).isNull();
    assertThat(b.getAndRemove("absent")).isNull();
  }

  @Test
  void getAndReplace_replacesOnlyAPresentEntry() {
    assertThat(b.getAndReplace("k1", "new")).isEqualTo("v1");
    assertThat(a.get("k1")).isEqualTo("new");
    assertThat(b.getAndReplace("absent", "new")).isNull();
    assertThat(a.containsKey("absent")).isFalse();
  }

  @Test
  void replace_ofAnAbsentKey_doesNothing() {
    assertThat(b.replace("absent", "new")).isFalse();
    assertThat(b.replace("absent", "old", "new")).isFalse();
    assertThat(a.containsKey("absent")).isFalse();
    assertThat(b.replace("k1", "new")).isTrue();
    assertThat(a.get("k1")).isEqualTo("new");
  }

  // ---- bulk operations ---------------------------------------------------------------------------

  @Test
  void removeAll_ofKeys_removesOnlyThoseKeys() {
    b.removeAll(Set.of("k1", "k3", "absent"));
    assertThat(contents(a)).isEqualTo(Map.of("k2", "v2"));
  }

  @Test
  void removeAll_removesEverything() {
    b.removeAll();
    assertThat(contents(a)).isEmpty();
  }

  @Test
  void clear_emptiesTheCacheForEveryNode() {
    b.clear();
    assertThat(contents(a)).isEmpty();
    assertThat(Tables.rowCount(a)).isZero();
    a.put("k1", "again");
    assertThat(b.get("k1")).isEqualTo("again");
  }

  @Test
  void iterator_remove_removesTheLastEntryReturned() {
    Iterator<Cache.Entry<String, String>> iterator = b.iterator();
    assertThatThrownBy(iterator::remove).isInstanceOf(IllegalStateException.class);
    Set<String> seen = new HashSet<>();
    while (iterator.hasNext()) {
      Cache.Entry<String, String> entry = iterator.next();
      seen.add(entry.getKey());
      if (!entry.getKey().equals("k2")) {
        iterator.remove();
        assertThatThrownBy(iterator::remove).isInstanceOf(IllegalStateException.class);
      }
    }
    assertThat(seen).containsExactlyInAnyOrder("k1", "k2", "k3");
    assertThat(contents(a)).isEqualTo(Map.of("k2", "v2"));
  }

  @Test
  void iterator_pagesThroughManyEntries() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 700; i++) {
      many.put("many" + i, "v" + i);
    }
    a.putAll(many);
    Map<String, String> expected = new HashMap<>(many);
    expected.putAll(Map.of("k1", "v1", "k2", "v2", "k3", "v3"));
    assertThat(contents(b)).isEqualTo(expected);
  }

  // ---- configuration, unwrap, lifecycle -----------------------------------------------------------

  @Test
  @SuppressWarnings("unchecked")
  void getConfiguration_returnsACopy_thatDoesNotChangeTheCache() {
    MutableConfiguration<String, String> given = strings();
    Cache<String, String> cache = cluster.node(0).createCache(name + "-config", given);
    given.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_MINUTE)).setStatisticsEnabled(true);

    MutableConfiguration<String, String> copy = cache.getConfiguration(MutableConfiguration.class);
    copy.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_MINUTE))
        .setReadThrough(true).setWriteThrough(true).setStatisticsEnabled(true)
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
            () -> (CacheEntryCreatedListener<String, String>) events -> { }, null, false, true));

    CompleteConfiguration<String, String> now = cache.getConfiguration(CompleteConfiguration.class);
    assertThat(now.getExpiryPolicyFactory().create()).isInstanceOf(EternalExpiryPolicy.class);
    assertThat(now.isReadThrough()).isFalse();
    assertThat(now.isWriteThrough()).isFalse();
    assertThat(now.isStatisticsEnabled()).isFalse();
    assertThat(now.getCacheEntryListenerConfigurations()).isEmpty();
    cache.put("k", "v");
    assertThat(Tables.expiresAt(cache, "k")).as("still eternal").isEqualTo(Long.MAX_VALUE);

    assertThat(cache.getConfiguration(PgCacheConfiguration.class).isUnlogged()).isTrue();
    assertThat(cache.getConfiguration(Configuration.class).getKeyType()).isEqualTo(String.class);
  }

  @Test
  void unwrap_givesTheProviderTypes_andRefusesOthers() {
    assertThat(a.unwrap(PgCache.class)).isSameAs(a);
    assertThat(a.unwrap(Cache.class)).isSameAs(a);
    assertThatThrownBy(() -> a.unwrap(String.class)).isInstanceOf(IllegalArgumentException.class);
    assertThat(cluster.node(0).unwrap(PgCacheManager.class)).isSameAs(cluster.node(0));
    assertThatThrownBy(() -> cluster.node(0).unwrap(String.class)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClosedCache_refusesEveryOperation_whileTheOtherNodeCarriesOn() {
    b.close();
    assertThat(b.isClosed()).isTrue();
    List<Consumer<Cache<String, String>>> operations = List.of(
        c -> c.get("k1"), c -> c.getAll(Set.of("k1")), c -> c.containsKey("k1"), c -> c.put("k1", "x"),
        c -> c.getAndPut("k1", "x"), c -> c.putAll(Map.of("k1", "x")), c -> c.putIfAbsent("k9", "x"),
        c -> c.remove("k1"), c -> c.remove("k1", "v1"), c -> c.getAndRemove("k1"), c -> c.replace("k1", "x"),
        c -> c.replace("k1", "v1", "x"), c -> c.getAndReplace("k1", "x"), c -> c.removeAll(Set.of("k1")),
        c -> c.removeAll(), c -> c.clear(), c -> c.iterator(), c -> c.invoke("k1", (entry, args) -> null),
        c -> c.invokeAll(Set.of("k1"), (entry, args) -> null), c -> c.loadAll(Set.of("k1"), false, null));
    for (Consumer<Cache<String, String>> operation : operations) {
      assertThatThrownBy(() -> operation.accept(b)).isInstanceOf(IllegalStateException.class);
    }
    assertThat(contents(a)).hasSize(3);
  }

  @Test
  void aClosedManager_refusesToHandOutCaches() {
    CacheManager manager = cluster.newNode(name + "-closed", new Properties());
    Cache<String, String> cache = manager.getCache(name, String.class, String.class);
    assertThat(cache.get("k1")).isEqualTo("v1");
    manager.close();
    assertThat(cache.isClosed()).isTrue();
    assertThatThrownBy(() -> cache.get("k1")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> manager.getCache(name)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(manager::getCacheNames).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> manager.createCache("other", strings())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void destroyCache_onOneNode_makesTheCacheGoneForTheOther() {
    cluster.node(0).destroyCache(name);
    assertThat(a.isClosed()).isTrue();
    // The other node's copy fails: with a clear error while the table is merely gone, as closed once
    // that node has noticed (by its sweeper, or by being asked for the cache by name).
    assertThatThrownBy(() -> b.get("k1")).satisfiesAnyOf(
        e -> assertThat(e).isInstanceOf(CacheException.class).hasMessageContaining("destroyed"),
        e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed"));
    assertThat(cluster.node(1).getCache(name)).isNull();
    assertThat(b.isClosed()).isTrue();
    assertThat(cluster.node(1).getCache(name, String.class, String.class)).isNull();
    assertThat(cluster.node(1).getCacheNames()).doesNotContain(name);
    assertThat(cluster.node(0).getCacheNames()).doesNotContain(name);
    assertThat(Tables.tableExists(cluster.dataSource(), Tables.tableName(a))).isFalse();
  }

  @Test
  void destroyCache_thenCreateCache_givesAnEmptyCache_onBothNodes() {
    cluster.node(0).destroyCache(name);
    Cache<String, String> again = cluster.node(1).createCache(name, strings());
    assertThat(again.iterator().hasNext()).isFalse();
    again.put("k1", "fresh");
    assertThat(cluster.node(0).getCache(name, String.class, String.class).get("k1")).isEqualTo("fresh");
  }

  @Test
  void createCache_ofACacheAnotherNodeCreated_attachesAndKeepsItsEntries() {
    CacheManager first = cluster.node(0);
    CacheManager second = cluster.node(1);
    Cache<String, String> created = first.createCache(name + "-attach", strings());
    created.put("kept", "yes");
    Cache<String, String> attached = second.createCache(name + "-attach", strings());
    assertThat(attached.get("kept")).isEqualTo("yes");
    assertThatThrownBy(() -> second.createCache(name + "-attach", strings()))
        .isInstanceOf(CacheException.class).hasMessageContaining(name + "-attach");
    assertThatThrownBy(() -> first.createCache(name + "-attach", strings())).isInstanceOf(CacheException.class);
    assertThat(created.get("kept")).isEqualTo("yes");
  }

  @Test
  void getCache_withOtherTypes_throwsClassCastException() {
    for (CacheManager node : List.of(cluster.node(0), cluster.node(1))) {
      assertThat(node.getCache(name, String.class, String.class)).isNotNull();
      assertThatThrownBy(() -> node.getCache(name, Integer.class, String.class))
          .isInstanceOf(ClassCastException.class);
      assertThatThrownBy(() -> node.getCache(name, String.class, Long.class))
          .isInstanceOf(ClassCastException.class);
      assertThatThrownBy(() -> node.getCache(name, Object.class, Object.class))
          .isInstanceOf(ClassCastException.class);
    }
    // A node that did not configure the cache learns its types from the registry.
    try (CacheManager third = cluster.newNode(name + "-third", new Properties())) {
      assertThatThrownBy(() -> third.getCache(name, Integer.class, String.class))
          .isInstanceOf(ClassCastException.class);
      assertThat(third.getCache(name, String.class, String.class).get("k1")).isEqualTo("v1");
    }
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aTypedCache_refusesKeysAndValuesOfOtherTypes() {
    Cache raw = a;
    assertThatThrownBy(() -> raw.put(1, "v")).isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> raw.put("k", 1)).isInstanceOf(ClassCastException.class);
    assertThat(contents(b)).hasSize(3);
  }

  @Test
  void nullKeysAndValues_throwNullPointerException_andChangeNothing() {
    Set<String> keysWithNull = new HashSet<>(List.of("k1"));
    keysWithNull.add(null);
    Map<String, String> mapWithNullValue = new HashMap<>();
    mapWithNullValue.put("k1", "changed");
    mapWithNullValue.put("k4", null);
    Map<String, String> mapWithNullKey = new HashMap<>();
    mapWithNullKey.put("k1", "changed");
    mapWithNullKey.put(null, "v");
    List<Runnable> operations = List.of(
        () -> b.get(null), () -> b.getAll(null), () -> b.getAll(keysWithNull), () -> b.containsKey(null),
        () -> b.put(null, "v"), () -> b.put("k1", null), () -> b.getAndPut(null, "v"), () -> b.getAndPut("k1", null),
        () -> b.putAll(null), () -> b.putAll(mapWithNullValue), () -> b.putAll(mapWithNullKey),
        () -> b.putIfAbsent(null, "v"), () -> b.putIfAbsent("k4", null),
        () -> b.remove(null), () -> b.remove(null, "v1"), () -> b.remove("k1", null),
        () -> b.getAndRemove(null), () -> b.replace(null, "v"), () -> b.replace("k1", null),
        () -> b.replace(null, "v1", "x"), () -> b.replace("k1", null, "x"), () -> b.replace("k1", "v1", null),
        () -> b.getAndReplace(null, "v"), () -> b.getAndReplace("k1", null),
        () -> b.removeAll(null), () -> b.removeAll(keysWithNull),
        () -> b.invoke(null, (entry, args) -> null), () -> b.invoke("k1", null),
        () -> b.invokeAll(null, (entry, args) -> null), () -> b.invokeAll(keysWithNull, (entry, args) -> null),
        () -> b.loadAll(null, false, null), () -> b.loadAll(keysWithNull, false, null));
    for (int i = 0; i < operations.size(); i++) {
      assertThatThrownBy(operations.get(i)::run).as("operation %d", i).isInstanceOf(NullPointerException.class);
    }
    assertThat(contents(a)).isEqualTo(Map.of("k1", "v1", "k2", "v2", "k3", "v3"));
    assertThat(Tables.rowCount(a)).isEqualTo(3);
  }

  @Test
  void getCacheNames_listsCachesOfEveryNode() {
    cluster.node(1).createCache(name + "-only-on-b", strings());
    List<String> seenByA = new ArrayList<>();
    cluster.node(0).getCacheNames().forEach(seenByA::add);
    assertThat(seenByA).contains(name, name + "-only-on-b");
  }

  /** Unequal keys whose encodings are equal (here: equality by identity) are one row; a getAll finds it for each. */
  @Test
  void getAll_findsTheRowOfEachOfTwoUnequalKeysThatEncodeAlike() {
    for (boolean nearCache : new boolean[] {true, false}) {
      String cacheName = name + "-alike-" + nearCache;
      List<Cache<SameBytesKey, String>> caches = cluster.cache(cacheName, new PgCacheConfiguration<SameBytesKey, String>()
          .setNearCacheEnabled(nearCache).setTypes(SameBytesKey.class, String.class));
      SameBytesKey first = new SameBytesKey();
      SameBytesKey second = new SameBytesKey();
      caches.get(0).put(first, "v");

      // Node b has no near copy, so the row comes from the table, asked for twice in one statement.
      Map<SameBytesKey, String> found = caches.get(1).getAll(Set.of(first, second));

      assertThat(found).as("near cache %s", nearCache).hasSize(2).containsEntry(first, "v").containsEntry(second, "v");
    }
  }

  /** Equal only to itself, yet every instance serializes to the same bytes. */
  static final class SameBytesKey implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }
}
