package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.management.CacheMetricsMXBean;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.TableLock;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;

/**
 * Store-by-reference on a node's heap: a cache configured with {@code setStoreByValue(false)} hands its callers
 * the instances this node stored (or decoded once), while PostgreSQL, and so every other node, holds their
 * encoding as it was when written. A change committed anywhere else still replaces the instance.
 */
class StoreByReferenceIT {
  /** A value callers can change, which store-by-value would copy and store-by-reference must not. */
  static final class Box implements Serializable {
    private static final long serialVersionUID = 1L;
    String contents;

    Box(String contents) {
      this.contents = contents;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Box that && that.contents.equals(contents);
    }

    @Override
    public int hashCode() {
      return contents.hashCode();
    }

    @Override
    public String toString() {
      return "Box(" + contents + ")";
    }
  }

  /** Waits until this node heard the notifications of as many written keys (its own writes' included). */
  private static void awaitHeard(Cache<?, ?> cache, long keys) {
    CacheMetricsMXBean metrics = cache.unwrap(PgCache.class).getMetrics();
    await().atMost(30, TimeUnit.SECONDS).until(() -> metrics.getInvalidationsReceived() >= keys);
  }

  @Test
  void everyWrite_keepsTheInstanceItStored() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      Cache<String, Box> cache = cluster.node(0).createCache("writes", byReference());
      Box put = new Box("put");
      cache.put("put", put);
      put.contents = "changed after put";
      assertThat(cache.get("put")).isSameAs(put);

      Box first = new Box("first");
      Box second = new Box("second");
      assertThat(cache.getAndPut("getAndPut", first)).isNull();
      assertThat(cache.getAndPut("getAndPut", second)).isSameAs(first);
      assertThat(cache.get("getAndPut")).isSameAs(second);

      Box absent = new Box("absent");
      assertThat(cache.putIfAbsent("putIfAbsent", absent)).isTrue();
      assertThat(cache.putIfAbsent("putIfAbsent", new Box("refused"))).isFalse();
      assertThat(cache.get("putIfAbsent")).isSameAs(absent);

      // A write heard while the next write of the key is pending (it came from another pooled session) rightly
      // stops that write keeping its instance: let each write's own notification arrive first.
      awaitHeard(cache, 4);
      Box replacement = new Box("replacement");
      assertThat(cache.replace("putIfAbsent", new Box("absent"), replacement)).isTrue();
      assertThat(cache.get("putIfAbsent")).isSameAs(replacement);
      awaitHeard(cache, 5);
      Box third = new Box("third");
      assertThat(cache.getAndReplace("putIfAbsent", third)).isSameAs(replacement);
      assertThat(cache.get("putIfAbsent")).isSameAs(third);

      Map<String, Box> all = new LinkedHashMap<>();
      for (int i = 0; i < 5; i++) {
        all.put("all-" + i, new Box("all " + i));
      }
      cache.putAll(all);
      all.forEach((key, box) -> assertThat(cache.get(key)).as(key).isSameAs(box));
      assertThat(cache.getAll(all.keySet())).allSatisfy((key, box) -> assertThat(box).isSameAs(all.get(key)));

      Box invoked = new Box("invoked");
      cache.invoke("invoke", (entry, args) -> {
        entry.setValue(invoked);
        return null;
      });
      assertThat(cache.get("invoke")).isSameAs(invoked);
    }
  }

  @Test
  void theKeptInstance_outlivesItsOwnNotification_andIsServedFromMemory() throws Exception {
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, Box>> caches = cluster.cache("own-notification", byReference());
      Cache<String, Box> a = caches.get(0);
      Cache<String, Box> b = caches.get(1);
      Box box = new Box("a");
      a.put("k", box);
      // Once A's listener has evicted its copy of a marker that B changed later, it has also processed the
      // notification of A's own write: notifications arrive in commit order.
      b.put("marker", new Box("first"));
      NearCaching.awaitNearCached(cluster.dataSource(0), a, "marker");
      b.put("marker", new Box("second"));
      await().atMost(java.time.Duration.ofSeconds(5)).until(() -> new Box("second").equals(a.get("marker")));

      try (TableLock lock = TableLock.on(cluster.dataSource(0), a.unwrap(PgCache.class).getTableName())) {
        assertThat(lock.fromMemory("get", () -> a.get("k"))).isSameAs(box);
      }
    }
  }

  @Test
  void aDecodedValue_isDecodedOnce_andThenShared() throws Exception {
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, Box>> caches = cluster.cache("decoded", byReference());
      caches.get(0).put("k", new Box("v"));
      Cache<String, Box> b = caches.get(1);
      // A copy B installs before the notification of A's put arrives is dropped by it (as it must be).
      NearCaching.awaitNearCached(cluster.dataSource(0), b, "k");

      Box first = b.get("k");
      assertThat(first).isEqualTo(new Box("v"));
      assertThat(b.get("k")).isSameAs(first);
      assertThat(b.getAll(java.util.Set.of("k"))).containsEntry("k", first);
    }
  }

  @Test
  void anotherNodesChange_replacesTheKeptInstance() throws Exception {
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, Box>> caches = cluster.cache("other-node", byReference());
      Cache<String, Box> a = caches.get(0);
      Cache<String, Box> b = caches.get(1);
      Box kept = new Box("a's");
      a.put("k", kept);
      assertThat(a.get("k")).isSameAs(kept);

      b.put("k", new Box("b's"));
      await().atMost(java.time.Duration.ofSeconds(5)).until(() -> new Box("b's").equals(a.get("k")));

      b.remove("k");
      await().atMost(java.time.Duration.ofSeconds(5)).until(() -> a.get("k") == null);
    }
  }

  @Test
  void otherNodes_seeTheValueAsItWasWritten_notLaterChangesToTheInstance() throws Exception {
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, Box>> caches = cluster.cache("as-written", byReference());
      Box box = new Box("as written");
      caches.get(0).put("k", box);
      box.contents = "changed in place";

      assertThat(caches.get(0).get("k").contents).isEqualTo("changed in place");
      assertThat(caches.get(1).get("k").contents).isEqualTo("as written");
    }
  }

  @Test
  void aStoreByValueCache_neverHandsOutTheStoredInstance() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      Cache<String, Box> cache = cluster.node(0).createCache("by-value",
          new MutableConfiguration<String, Box>().setTypes(String.class, Box.class));
      Box box = new Box("v");
      cache.put("k", box);
      Box read = cache.get("k");
      assertThat(read).isEqualTo(box).isNotSameAs(box);
      assertThat(cache.get("k")).isNotSameAs(read);
    }
  }

  @Test
  void aKeptInstance_expiresWithItsEntry() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      Cache<String, Box> cache = cluster.node(0).createCache("expiring", byReference()
          .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 500))));
      Box box = new Box("v");
      cache.put("k", box);
      assertThat(cache.get("k")).isSameAs(box);

      await().atMost(java.time.Duration.ofSeconds(5)).until(() -> cache.get("k") == null);
    }
  }

  /**
   * Writers on two nodes race on a few keys with both single-statement puts and locked read-modify-writes,
   * while each node keeps the instances it wrote. Once the writers stop and notifications have arrived, both
   * nodes must return exactly what PostgreSQL holds, read after read: a node that kept its own instance past
   * another node's later commit would keep returning it.
   */
  @Test
  void afterRacingWritesOnTwoNodes_bothServeWhatIsCommitted() throws Exception {
    int keys = 3;
    int writesPerThread = 400;
    Properties noNearCache = new Properties();
    noNearCache.setProperty("pgjcache.near-cache.enabled", "false");
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, Box>> caches = cluster.cache("race", byReference());
      CacheManager referee = cluster.newNode("referee", noNearCache);
      Cache<String, Box> truth = referee.createCache("race", byReference());
      ExecutorService writers = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          Cache<String, Box> cache = caches.get(t % 2);
          String writer = "node " + (t % 2) + " thread " + t;
          running.add(writers.submit(() -> {
            for (int i = 0; i < writesPerThread; i++) {
              String key = "k" + ThreadLocalRandom.current().nextInt(keys);
              Box box = new Box(writer + " write " + i);
              if (i % 2 == 0) {
                cache.put(key, box);
              } else {
                cache.invoke(key, (entry, args) -> {
                  entry.setValue(box);
                  return null;
                });
              }
              cache.get(key);
            }
            return null;
          }));
        }
        for (Future<?> writer : running) {
          writer.get(2, TimeUnit.MINUTES);
        }
      } finally {
        writers.shutdownNow();
      }

      for (int k = 0; k < keys; k++) {
        String key = "k" + k;
        Box committed = truth.get(key);
        for (Cache<String, Box> cache : caches) {
          await(key + " settles on " + cache.getCacheManager().getURI()).atMost(java.time.Duration.ofSeconds(5))
              .until(() -> committed.equals(cache.get(key)));
          for (int read = 0; read < 100; read++) {
            assertThat(cache.get(key)).as(key + ", read " + read).isEqualTo(committed);
          }
        }
      }
    }
  }

  private static MutableConfiguration<String, Box> byReference() {
    return new MutableConfiguration<String, Box>().setTypes(String.class, Box.class).setStoreByValue(false);
  }
}
