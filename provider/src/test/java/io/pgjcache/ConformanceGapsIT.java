package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.internal.management.MBeans;
import io.pgjcache.testing.Cluster;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Two places where mature providers have diverged from the specification and the TCK does not look. */
class ConformanceGapsIT {

  @Test
  void invoke_countsNoPut_whenTheWriterFails() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class)
          .setStatisticsEnabled(true)
          .setWriteThrough(true)
          .setCacheWriterFactory(FactoryBuilder.factoryOf(new FailingWriter()));
      Cache<String, String> cache = cluster.cache("invoke-writer", configuration).get(0);

      assertThatThrownBy(() -> cache.invoke("k", (entry, args) -> {
        entry.setValue("v");
        return null;
      })).isInstanceOf(CacheWriterException.class);

      assertThat(cache.get("k")).as("the failed write left the cache unchanged").isNull();
      assertThat(statistic(cluster, "invoke-writer", "CachePuts")).isEqualTo(0L);

      assertThatThrownBy(() -> cache.put("other", "x")).isInstanceOf(CacheWriterException.class);
      assertThat(statistic(cluster, "invoke-writer", "CachePuts")).isEqualTo(0L);

      String result = cache.invoke("k", (entry, args) -> entry.exists() ? "exists" : "absent");
      assertThat(result).isEqualTo("absent");
      assertThat(statistic(cluster, "invoke-writer", "CachePuts")).as("a read-only invoke puts nothing").isEqualTo(0L);
      assertThat(statistic(cluster, "invoke-writer", "CacheMisses"))
          .as("the get and the read-only invoke; the failed invoke rolled back and records nothing").isEqualTo(2L);
    }
  }

  @Test
  void throwingEventFilter_isSkipped_andTheMutationStillHappens() {
    try (Cluster cluster = Cluster.of(1)) {
      Cache<String, String> cache = cluster.cache("throwing-filter",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class)).get(0);
      RecordingListener filtered = new RecordingListener();
      RecordingListener unfiltered = new RecordingListener();
      cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(filtered), FactoryBuilder.factoryOf(new ThrowingFilter()), false, true));
      cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(unfiltered), null, false, true));

      cache.put("k", "v");

      assertThat(cache.get("k")).isEqualTo("v");
      assertThat(filtered.keys).isEmpty();
      assertThat(unfiltered.keys).containsExactly("k");
    }
  }

  private static Object statistic(Cluster cluster, String cacheName, String attribute) throws Exception {
    ObjectName name = MBeans.name(MBeans.Type.STATISTICS, cluster.node(0).getURI(), cacheName);
    return ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute);
  }

  /** A writer whose every write fails. */
  static final class FailingWriter implements CacheWriter<String, String>, java.io.Serializable {
    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      throw new IllegalStateException("system of record is down");
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      throw new IllegalStateException("system of record is down");
    }

    @Override
    public void delete(Object key) {
    }

    @Override
    public void deleteAll(Collection<?> keys) {
    }
  }

  static final class ThrowingFilter implements CacheEntryEventFilter<String, String>, java.io.Serializable {
    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends String> event) {
      throw new IllegalArgumentException("broken filter");
    }
  }

  static final class RecordingListener implements CacheEntryCreatedListener<String, String>, java.io.Serializable {
    final List<String> keys = new CopyOnWriteArrayList<>();

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      List<String> seen = new ArrayList<>();
      events.forEach(event -> seen.add(event.getKey()));
      keys.addAll(seen);
    }
  }
}
