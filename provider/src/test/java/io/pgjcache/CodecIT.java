package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Tables;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Values that cannot be encoded fail with the type named, before anything is written. */
class CodecIT {
  private static Cluster cluster;
  private Cache<String, Object> a;
  private Cache<String, Object> b;

  record Point(int x, int y) implements Serializable {
  }

  static final class NotSerializable {
  }

  @BeforeAll
  static void start() {
    // Point lives beside the test, not beside the cache's declared types: the application names it.
    cluster = Cluster.builder().nodes(2).property(Setting.SERIAL_FILTER.key(),
        Setting.SERIAL_FILTER.defaultValue().orElseThrow() + ";" + Point.class.getName()).build();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @BeforeEach
  void createCache(TestInfo test) {
    var caches = cluster.cache(test.getDisplayName(),
        new MutableConfiguration<String, Object>().setTypes(String.class, Object.class));
    a = caches.get(0);
    b = caches.get(1);
    a.put("present", "old");
  }

  @Test
  void serializableValues_roundTripAcrossNodes() {
    ArrayList<Object> list = new ArrayList<>(List.of(new Point(1, 2), "s", 3L));
    a.put("point", new Point(1, 2));
    a.put("list", list);
    a.put("unicode", "缓存 🚀 café");
    a.put("empty", "");
    assertThat(b.get("point")).isEqualTo(new Point(1, 2));
    assertThat(b.get("list")).isEqualTo(list);
    assertThat(b.get("unicode")).isEqualTo("缓存 🚀 café");
    assertThat(b.get("empty")).isEqualTo("");
  }

  @Test
  void put_ofANonSerializableValue_failsNamingTheType_andChangesNothing() {
    assertFailsNamingType(() -> a.put("present", new NotSerializable()));
    assertFailsNamingType(() -> a.put("absent", new NotSerializable()));
    assertUnchanged();
  }

  @Test
  void everyWritingOperation_withANonSerializableValue_changesNothing() {
    assertFailsNamingType(() -> a.getAndPut("present", new NotSerializable()));
    assertFailsNamingType(() -> a.getAndPut("absent", new NotSerializable()));
    assertFailsNamingType(() -> a.putIfAbsent("absent", new NotSerializable()));
    assertFailsNamingType(() -> a.replace("present", new NotSerializable()));
    assertFailsNamingType(() -> a.replace("present", "old", new NotSerializable()));
    assertFailsNamingType(() -> a.getAndReplace("present", new NotSerializable()));
    assertFailsNamingType(() -> a.invoke("present", (entry, args) -> {
      entry.setValue(new NotSerializable());
      return null;
    }));
    assertFailsNamingType(() -> a.invoke("absent", (entry, args) -> {
      entry.setValue(new NotSerializable());
      return null;
    }));
    assertUnchanged();
  }

  @Test
  void aSerializableValueHoldingANonSerializableOne_failsNamingIt() {
    ArrayList<Object> list = new ArrayList<>(List.of("fine", new NotSerializable()));
    assertFailsNamingType(() -> a.put("present", list));
    assertUnchanged();
  }

  @Test
  void putAll_withOneBadValue_changesNothing() {
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("first", "fine");
    batch.put("present", "new");
    batch.put("bad", new NotSerializable());
    batch.put("last", "fine");
    assertFailsNamingType(() -> a.putAll(batch));
    assertThat(b.getAll(Set.of("first", "bad", "last"))).isEmpty();
    assertUnchanged();
  }

  @Test
  void putAll_withOneBadValue_changesNothing_whenAListenerForcesTheLockedPath() {
    a.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        () -> (CacheEntryCreatedListener<String, Object>) events -> { }, null, false, true));
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("first", "fine");
    batch.put("bad", new NotSerializable());
    assertFailsNamingType(() -> a.putAll(batch));
    assertThat(b.containsKey("first")).isFalse();
    assertUnchanged();
  }

  private static void assertFailsNamingType(Runnable operation) {
    assertThatThrownBy(operation::run)
        .isInstanceOf(CacheException.class)
        .hasMessageContaining(NotSerializable.class.getName());
  }

  private void assertUnchanged() {
    assertThat(b.get("present")).isEqualTo("old");
    assertThat(b.containsKey("absent")).isFalse();
    assertThat(Tables.rowCount(b)).isEqualTo(1);
  }
}
