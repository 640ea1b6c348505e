package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.testing.Cluster;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

class PgCacheIT {
  @Test
  void basicOperations_workAndAreSeenByASecondNode() {
    try (Cluster cluster = Cluster.of(2)) {
      var caches = cluster.cache("basics", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      Cache<String, String> a = caches.get(0);
      Cache<String, String> b = caches.get(1);
      a.put("k1", "v1");
      assertThat(b.get("k1")).isEqualTo("v1");
      assertThat(b.containsKey("k1")).isTrue();
      assertThat(b.getAndPut("k1", "v2")).isEqualTo("v1");
      assertThat(a.get("k1")).isEqualTo("v2");
      assertThat(a.putIfAbsent("k1", "x")).isFalse();
      assertThat(a.putIfAbsent("k2", "x")).isTrue();
      assertThat(b.getAll(Set.of("k1", "k2", "k3"))).isEqualTo(Map.of("k1", "v2", "k2", "x"));
      assertThat(b.replace("k2", "y", "z")).isFalse();
      assertThat(b.replace("k2", "x", "z")).isTrue();
      assertThat(a.remove("k2", "z")).isTrue();
      assertThat(a.remove("k1")).isTrue();
      // getAll put k1 into b's near cache; b drops it when the notification of the removal arrives.
      await().atMost(Duration.ofSeconds(5)).until(() -> b.get("k1") == null);
      a.putAll(Map.of("a", "1", "b", "2"));
      assertThat(b.unwrap(PgCache.class).size()).isEqualTo(2);
      String invoked = b.invoke("a", (entry, args) -> {
        entry.setValue(entry.getValue() + "!");
        return entry.getValue();
      });
      assertThat(invoked).isEqualTo("1!");
      int count = 0;
      for (Cache.Entry<String, String> entry : a) {
        count++;
      }
      assertThat(count).isEqualTo(2);
      b.removeAll();
      assertThat(a.get("a")).isNull();
    }
  }
}
