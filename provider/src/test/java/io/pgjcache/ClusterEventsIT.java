package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.testing.Cluster;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Listeners configured for cluster-wide events hear what other nodes do, and only once what they do themselves. */
class ClusterEventsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void listenerOnNodeB_hearsCreatesUpdatesRemovesAndExpiriesMadeOnNodeA() {
    Properties fastSweep = new Properties();
    fastSweep.setProperty("pgjcache.sweep.interval", "PT0.2S");
    try (Cluster cluster = Cluster.of(2, fastSweep)) {
      PgCacheConfiguration<String, String> configuration = new PgCacheConfiguration<String, String>()
          .setClusterEvents(true);
      configuration.setTypes(String.class, String.class);
      List<Cache<String, String>> caches = cluster.cache("cluster-events", configuration);
      Cache<String, String> a = caches.get(0);
      Cache<String, String> b = caches.get(1);
      Recorder onA = register(a);
      Recorder onB = register(b);

      a.put("k", "v1");
      a.put("k", "v2");
      a.remove("k");

      await().atMost(WAIT).untilAsserted(() ->
          assertThat(onB.seen).containsExactly("CREATED k=v1", "UPDATED k=v2 (was v1)", "REMOVED k=v2 (was v2)"));
      assertThat(onA.seen).as("the writing node hears its own changes once, locally")
          .containsExactly("CREATED k=v1", "UPDATED k=v2 (was v1)", "REMOVED k=v2 (was v2)");

      Cache<String, String> shortLived = cluster.node(0).createCache("cluster-events-expiry",
          new PgCacheConfiguration<String, String>().setClusterEvents(true)
              .setTypes(String.class, String.class)
              .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
                  new javax.cache.expiry.Duration(java.util.concurrent.TimeUnit.MILLISECONDS, 300))));
      Cache<String, String> shortLivedOnB = cluster.node(1).createCache("cluster-events-expiry",
          new PgCacheConfiguration<String, String>().setClusterEvents(true).setTypes(String.class, String.class));
      Recorder expiriesOnB = register(shortLivedOnB);
      shortLived.put("gone", "soon");
      await().atMost(WAIT).untilAsserted(() -> assertThat(expiriesOnB.seen).contains("EXPIRED gone=soon (was soon)"));
    }
  }

  @Test
  void listenerOnNodeB_hearsNodeAsChanges_inCommitOrder() {
    int updates = 200;
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, String>> caches = cluster.cache("cluster-events-order",
          new PgCacheConfiguration<String, String>().setClusterEvents(true).setTypes(String.class, String.class));
      Recorder onB = register(caches.get(1));
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < updates; i++) {
        caches.get(0).put("k", "v" + i);
        expected.add(i == 0 ? "CREATED k=v0" : "UPDATED k=v" + i + " (was v" + (i - 1) + ")");
      }

      await().atMost(WAIT).until(() -> onB.seen.size() >= updates);
      assertThat(onB.seen).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void listenerWithoutClusterEvents_hearsOnlyItsOwnNode() {
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, String>> caches = cluster.cache("local-events",
          new PgCacheConfiguration<String, String>().setTypes(String.class, String.class));
      Recorder onB = register(caches.get(1));

      caches.get(0).put("k", "from A");
      caches.get(1).put("j", "from B");

      await().during(Duration.ofMillis(500)).atMost(WAIT)
          .untilAsserted(() -> assertThat(onB.seen).containsExactly("CREATED j=from B"));
    }
  }

  private static Recorder register(Cache<String, String> cache) {
    Recorder recorder = new Recorder();
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(recorder), null, true, true));
    return recorder;
  }

  /** Records events as text; a singleton factory hands out this very instance. */
  static final class Recorder implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String>,
      CacheEntryExpiredListener<String, String>, Serializable {
    final List<String> seen = new CopyOnWriteArrayList<>();

    private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        String old = event.isOldValueAvailable() ? " (was " + event.getOldValue() + ")" : "";
        seen.add(event.getEventType() + " " + event.getKey() + "=" + event.getValue() + old);
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }
  }
}
