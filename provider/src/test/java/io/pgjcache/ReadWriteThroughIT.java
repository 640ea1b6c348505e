package io.pgjcache;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Tables;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListenerFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cache in front of a system of record: write-through with a CacheWriter, read-through with a CacheLoader. */
class ReadWriteThroughIT {
  private static final AtomicInteger CACHES = new AtomicInteger();
  private static Cluster cluster;

  @BeforeAll
  static void start() {
    cluster = Cluster.of(1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** A map standing in for the system of record; it can be told to fail. */
  static final class RecordWriter implements CacheWriter<String, String> {
    final Map<String, String> records = new ConcurrentHashMap<>();
    final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      failIfTold();
      records.put(entry.getKey(), entry.getValue());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      for (var iterator = entries.iterator(); iterator.hasNext(); ) {
        write(iterator.next());
        iterator.remove();
      }
    }

    @Override
    public void delete(Object key) {
      failIfTold();
      records.remove(key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      for (var iterator = keys.iterator(); iterator.hasNext(); ) {
        delete(iterator.next());
        iterator.remove();
      }
    }

    private void failIfTold() {
      if (failing.get()) {
        throw new IllegalStateException("system of record unavailable (test)");
      }
    }
  }

  /** Loads "loaded:<key>" for keys starting with "known", nothing for others, and fails for "broken". */
  static final class RecordLoader implements CacheLoader<String, String> {
    final AtomicInteger loads = new AtomicInteger();

    @Override
    public String load(String key) {
      loads.incrementAndGet();
      if (key.equals("broken")) {
        throw new IllegalStateException("cannot load (test)");
      }
      return key.startsWith("known") ? "loaded:" + key : null;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new HashMap<>();
      for (String key : keys) {
        String value = load(key);
        if (value != null) {
          loaded.put(key, value);
        }
      }
      return loaded;
    }
  }

  private static Cache<String, String> cache(RecordWriter writer, RecordLoader loader, boolean through) {
    MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class);
    if (writer != null) {
      configuration.setCacheWriterFactory(() -> writer).setWriteThrough(through);
    }
    if (loader != null) {
      configuration.setCacheLoaderFactory(() -> loader).setReadThrough(through);
    }
    return cluster.node(0).createCache("through-" + CACHES.incrementAndGet(), configuration);
  }

  // ---- write-through ---------------------------------------------------------------------------

  @Test
  void writes_andRemoves_goThroughTheWriter() {
    RecordWriter writer = new RecordWriter();
    Cache<String, String> cache = cache(writer, null, true);
    cache.put("a", "1");
    cache.putAll(Map.of("b", "2", "c", "3"));
    cache.getAndPut("a", "1b");
    cache.remove("b");
    cache.invoke("d", (entry, args) -> {
      entry.setValue("4");
      return null;
    });
    assertThat(writer.records).isEqualTo(Map.of("a", "1b", "c", "3", "d", "4"));
    cache.removeAll();
    assertThat(writer.records).isEmpty();
  }

  @Test
  void aFailingWriter_leavesTheCacheUnchanged() {
    RecordWriter writer = new RecordWriter();
    Cache<String, String> cache = cache(writer, null, true);
    cache.put("present", "old");
    writer.failing.set(true);
    List<Runnable> writes = List.of(
        () -> cache.put("present", "new"), () -> cache.put("absent", "new"),
        () -> cache.getAndPut("present", "new"), () -> cache.putIfAbsent("absent", "new"),
        () -> cache.replace("present", "new"), () -> cache.replace("present", "old", "new"),
        () -> cache.getAndReplace("present", "new"), () -> cache.remove("present"),
        () -> cache.remove("present", "old"), () -> cache.getAndRemove("present"),
        () -> cache.putAll(Map.of("absent", "new")), () -> cache.removeAll(Set.of("present")));
    for (Runnable write : writes) {
      assertThatThrownBy(write::run).isInstanceOf(CacheWriterException.class)
          .hasRootCauseMessage("system of record unavailable (test)");
      assertThat(cache.get("present")).isEqualTo("old");
      assertThat(cache.containsKey("absent")).isFalse();
    }
    assertThat(Tables.rowCount(cache)).isEqualTo(1);
    assertThat(writer.records).isEqualTo(Map.of("present", "old"));
  }

  @Test
  void aWriter_isNotUsed_withoutWriteThrough() {
    RecordWriter writer = new RecordWriter();
    Cache<String, String> cache = cache(writer, null, false);
    cache.put("a", "1");
    assertThat(writer.records).isEmpty();
  }

  // ---- read-through ----------------------------------------------------------------------------

  @Test
  void get_ofAMissingKey_loadsIt_andStoresIt() {
    RecordLoader loader = new RecordLoader();
    RecordWriter writer = new RecordWriter();
    MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setCacheLoaderFactory(() -> loader).setReadThrough(true)
        .setCacheWriterFactory(() -> writer).setWriteThrough(true);
    Cache<String, String> cache = cluster.node(0).createCache("through-" + CACHES.incrementAndGet(), configuration);

    assertThat(cache.get("known-1")).isEqualTo("loaded:known-1");
    assertThat(cache.get("known-1")).isEqualTo("loaded:known-1");
    assertThat(loader.loads.get()).as("the second get is a hit").isEqualTo(1);
    assertThat(Tables.hasRow(cache, "known-1")).isTrue();
    assertThat(writer.records).as("loaded values are not written back").isEmpty();
  }

  @Test
  void getAll_loadsOnlyTheMissingKeys() {
    RecordLoader loader = new RecordLoader();
    Cache<String, String> cache = cache(null, loader, true);
    cache.put("known-cached", "cached");
    assertThat(cache.getAll(Set.of("known-cached", "known-2", "unknown")))
        .isEqualTo(Map.of("known-cached", "cached", "known-2", "loaded:known-2"));
    assertThat(loader.loads.get()).isEqualTo(2);
    assertThat(Tables.rowCount(cache)).isEqualTo(2);
  }

  @Test
  void aLoaderThatFindsNothing_storesNothing() {
    Cache<String, String> cache = cache(null, new RecordLoader(), true);
    assertThat(cache.get("unknown")).isNull();
    assertThat(Tables.rowCount(cache)).isZero();
  }

  @Test
  void aFailingLoader_throwsCacheLoaderException() {
    Cache<String, String> cache = cache(null, new RecordLoader(), true);
    assertThatThrownBy(() -> cache.get("broken")).isInstanceOf(CacheLoaderException.class);
    assertThat(Tables.rowCount(cache)).isZero();
  }

  @Test
  void aLoader_isNotUsedByGet_withoutReadThrough() throws Exception {
    RecordLoader loader = new RecordLoader();
    Cache<String, String> cache = cache(null, loader, false);
    assertThat(cache.get("known-1")).isNull();
    assertThat(loader.loads.get()).isZero();
    // loadAll uses the loader whether or not reads go through it.
    CompletionListenerFuture done = new CompletionListenerFuture();
    cache.loadAll(Set.of("known-1", "unknown"), false, done);
    done.get(5, SECONDS);
    assertThat(cache.get("known-1")).isEqualTo("loaded:known-1");
  }

  @Test
  void invoke_onAMissingKey_loadsItWithReadThrough() {
    Cache<String, String> cache = cache(null, new RecordLoader(), true);
    String seen = cache.invoke("known-3", (entry, args) -> entry.getValue());
    assertThat(seen).isEqualTo("loaded:known-3");
    assertThat(Tables.hasRow(cache, "known-3")).isTrue();
  }
}
