package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Operator;
import io.pgjcache.testing.Tables;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * How rows are keyed: in a cache this version registers, a key that encodes to fewer bytes than a digest is its own
 * primary key and a longer one its digest; a cache an earlier version registered keys every row by its digest. Either
 * way notifications name keys by their digests, so other nodes' near copies follow every write.
 */
class RowKeysIT {
  private static final String LONG_KEY = "a key whose encoding takes more bytes than a digest does";
  private static final Duration HEARD = Duration.ofSeconds(10);

  @Test
  void aShortKeyIsItsOwnRowKey_aLongOneItsDigest_andOtherNodesHearWritesOfBoth() {
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, String>> caches = cluster.cache("row-keys", configuration());

      assertKeyedAndCoherent(caches.get(0), caches.get(1),
          Set.of(hex(Operator.encoded("k")), hex(Operator.digestOf(LONG_KEY))));
    }
  }

  @Test
  void aCacheAnEarlierVersionRegistered_keepsKeyingEveryRowByItsDigest() {
    try (Cluster cluster = Cluster.of(1)) {
      cluster.node(0).createCache("legacy", configuration());
      // What the registry holds for a cache an earlier version registered, once this version has upgraded it.
      cluster.execute("UPDATE \"" + cluster.schema() + "\".caches SET verbatim_short_keys = false"
          + " WHERE name = 'legacy'");
      try (CacheManager writer = cluster.newNode("writer", new Properties());
          CacheManager reader = cluster.newNode("reader", new Properties())) {
        assertKeyedAndCoherent(writer.getCache("legacy", String.class, String.class),
            reader.getCache("legacy", String.class, String.class),
            Set.of(hex(Operator.digestOf("k")), hex(Operator.digestOf(LONG_KEY))));
      }
    }
  }

  /** Writes on {@code a} land in rows of the expected keys, and {@code b}'s near copies follow each of them. */
  private static void assertKeyedAndCoherent(Cache<String, String> a, Cache<String, String> b,
      Set<String> expectedRowKeys) {
    Set<String> keys = Set.of("k", LONG_KEY);
    a.putAll(Map.of("k", "first", LONG_KEY, "first"));

    assertThat(rowKeys(a)).containsExactlyInAnyOrderElementsOf(expectedRowKeys);
    assertThat(b.getAll(keys)).isEqualTo(Map.of("k", "first", LONG_KEY, "first"));

    a.put("k", "second");
    a.put(LONG_KEY, "second");
    await().atMost(HEARD).untilAsserted(() ->
        assertThat(b.getAll(keys)).isEqualTo(Map.of("k", "second", LONG_KEY, "second")));

    List<String> iterated = new ArrayList<>();
    b.forEach(entry -> iterated.add(entry.getKey() + "=" + entry.getValue()));
    assertThat(iterated).containsExactlyInAnyOrder("k=second", LONG_KEY + "=second");

    assertThat(a.remove("k")).isTrue();
    await().atMost(HEARD).until(() -> b.get("k") == null);
    assertThat(b.get(LONG_KEY)).isEqualTo("second");
    assertThat(rowKeys(a)).hasSize(1);
  }

  private static MutableConfiguration<String, String> configuration() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  private static Set<String> rowKeys(Cache<?, ?> cache) {
    try (Connection c = Tables.dataSource(cache).getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT key_digest FROM " + Tables.tableName(cache))) {
      Set<String> rowKeys = new HashSet<>();
      while (rs.next()) {
        rowKeys.add(hex(rs.getBytes(1)));
      }
      return rowKeys;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
