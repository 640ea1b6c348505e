package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Intruders;
import io.pgjcache.testing.Operator;
import io.pgjcache.testing.Tables;
import java.io.Serializable;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Rows written by someone else: whatever bytes a row holds, reading it gives its value or a {@link CacheException}
 * that names the cache and the row, and never makes this JVM initialize a class the cache was not configured
 * to hold. Writes larger than the configured bounds fail before anything is sent.
 */
class UntrustedRowsIT {
  static final Set<String> INITIALIZED = ConcurrentHashMap.newKeySet();
  private static Cluster cluster;
  private Cache<String, Object> cache;
  private Operator operator;

  /** Has the shape of {@link Intruder}; its bytes are rewritten to name that class. */
  static final class Template implements Serializable {
    private static final long serialVersionUID = 1L;
    int payload = 1;
  }

  static final class Intruder implements Serializable {
    private static final long serialVersionUID = 1L;
    int payload;

    static {
      INITIALIZED.add("Intruder");
    }
  }

  @BeforeAll
  static void start() {
    cluster = Cluster.builder().property(Setting.MAX_VALUE_SIZE.key(), "4096")
        .property(Setting.MAX_KEY_SIZE.key(), "256").build();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @BeforeEach
  void createCache(TestInfo test) {
    cache = cluster.node(0).createCache(test.getTestMethod().orElseThrow().getName(),
        new MutableConfiguration<String, Object>().setTypes(String.class, Object.class));
    operator = new Operator(cluster.dataSource());
  }

  private void storeRaw(String key, byte[] valueBytes) throws Exception {
    operator.execute("INSERT INTO " + Tables.tableName(cache)
        + " (key_digest, key_bytes, value_bytes, expires_at, version) VALUES (?, ?, ?, NULL, 1)",
        Operator.rowKeyOf(key), Operator.encoded(key), valueBytes);
  }

  @Test
  void malformedValues_failWithACacheExceptionNamingTheCacheAndTheRow() throws Exception {
    storeRaw("short-int", new byte[] {3, 0});
    storeRaw("bare-byte-tag", new byte[] {8});
    storeRaw("broken-stream", new byte[] {64, 1, 2, 3});

    for (String key : new String[] {"short-int", "bare-byte-tag", "broken-stream"}) {
      assertThatThrownBy(() -> cache.get(key))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining(cache.getName())
          .hasMessageContaining(HexFormat.of().formatHex(Operator.digestOf(key)));
    }
  }

  @Test
  void aRowHoldingAClassNotOnTheAllowList_isRefused_andTheClassIsNeverInitialized() throws Exception {
    storeRaw("intruder", Intruders.encodedAs(new Template(), Template.class.getName().replace("Template", "Intruder")));

    assertThatThrownBy(() -> cache.get("intruder"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining(Template.class.getName().replace("Template", "Intruder"))
        .hasMessageContaining(Setting.SERIAL_FILTER.key());
    assertThat(INITIALIZED).isEmpty();
  }

  @Test
  void aValueOverTheLimit_failsNamingCacheSizeAndSetting_andChangesNothing() {
    cache.put("k", "small");

    assertThatThrownBy(() -> cache.put("k", "x".repeat(5000)))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining(cache.getName())
        .hasMessageContaining("5001 bytes")
        .hasMessageContaining(Setting.MAX_VALUE_SIZE.key());
    assertThatThrownBy(() -> cache.put("big", "x".repeat(5000))).isInstanceOf(CacheException.class);

    assertThat(cache.get("k")).isEqualTo("small");
    assertThat(Tables.rowCount(cache)).isEqualTo(1);
  }

  @Test
  void aKeyOverTheLimit_failsNamingTheSetting() {
    assertThatThrownBy(() -> cache.put("k".repeat(300), "v"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("301 bytes")
        .hasMessageContaining(Setting.MAX_KEY_SIZE.key());
    assertThat(Tables.rowCount(cache)).isZero();
  }
}
