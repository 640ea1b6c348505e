package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.codec.KeyDigest;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * How rows are keyed: in a cache this version registers, a key that encodes to fewer bytes than a digest is its own
 * primary key and a longer one its digest; a cache an earlier version, or a node with
 * {@code pgjcache.verbatim-short-keys=false}, registered keys every row by its digest, on every node. Either way
 * notifications name keys by their digests, so other nodes' near copies follow every write.
 */
class RowKeysIT {
  /** Encodes (a tag byte and UTF-8) to 31 bytes, one fewer than a digest: its own row key. */
  private static final String SHORT_KEY = "k".repeat(30);
  /** Encodes to 32 bytes, as long as a digest: keyed by its digest. */
  private static final String LONG_KEY = "k".repeat(31);
  private static final Set<String> KEYS = Set.of("k", SHORT_KEY, LONG_KEY);
  private static final Duration HEARD = Duration.ofSeconds(10);

  @Test
  void aKeyShorterThanADigestIsItsOwnRowKey_aLongerOneItsDigest_andOtherNodesHearWritesOfEach() {
    assertThat(Operator.encoded(SHORT_KEY)).hasSize(KeyDigest.LENGTH - 1);
    assertThat(Operator.encoded(LONG_KEY)).hasSize(KeyDigest.LENGTH);
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, String>> caches = cluster.cache("row-keys", configuration());

      assertKeyedAndCoherent(cluster.dataSource(), caches.get(0), caches.get(1),
          Set.of(hex(Operator.encoded("k")), hex(Operator.encoded(SHORT_KEY)), hex(Operator.digestOf(LONG_KEY))));
    }
  }

  @Test
  void aNodeThatKeysByDigest_registersCachesThatEveryNodeKeysByDigest() {
    Properties digestsOnly = new Properties();
    digestsOnly.setProperty("pgjcache.verbatim-short-keys", "false");
    try (Cluster cluster = Cluster.of(1);
        CacheManager creator = cluster.newNode("creator", digestsOnly);
        CacheManager other = cluster.newNode("other", new Properties())) {
      creator.createCache("by-digest", configuration());

      assertKeyedAndCoherent(cluster.dataSource(), other.getCache("by-digest", String.class, String.class),
          creator.getCache("by-digest", String.class, String.class), digests());
    }
  }

  @Test
  void aCacheAnEarlierVersionRegistered_keepsKeyingEveryRowByItsDigest_onceTheRegistryIsUpgraded() {
    try (Cluster cluster = Cluster.of(1)) {
      cluster.node(0).createCache("legacy", configuration());
      // A registry an earlier version wrote: no such column, so its caches' rows are keyed by digest.
      cluster.execute("ALTER TABLE \"" + cluster.schema() + "\".caches DROP COLUMN verbatim_short_keys");
      try (CacheManager writer = cluster.newNode("writer", new Properties());
          CacheManager reader = cluster.newNode("reader", new Properties())) {
        assertKeyedAndCoherent(cluster.dataSource(), writer.getCache("legacy", String.class, String.class),
            reader.getCache("legacy", String.class, String.class), digests());
      }
    }
  }

  // Nodes of earlier versions lock only the key in a read-modify-write, so in a cache of their form every plain write,
  // in every form of statement, must wait for the key's advisory lock; in a cache of this version's form none does.
  @Test
  void plainWritesWaitForTheKeysAdvisoryLock_inACacheKeyedByDigest_only() throws Exception {
    Properties digestsOnly = new Properties();
    digestsOnly.setProperty("pgjcache.verbatim-short-keys", "false");
    try (Cluster cluster = Cluster.of(1); CacheManager legacy = cluster.newNode("legacy", digestsOnly)) {
      for (boolean nearCache : List.of(false, true)) {
        PgCacheConfiguration<String, String> configuration = new PgCacheConfiguration<>();
        configuration.setTypes(String.class, String.class);
        configuration.setNearCacheEnabled(nearCache);
        Cache<String, String> byDigest = legacy.createCache("locked-" + nearCache, configuration);
        Cache<String, String> ownForm = cluster.node(0).createCache("unlocked-" + nearCache, configuration);
        // 2 keys: locked row by row; 40: all locks first; 200: the grouped statement. Then the single-row forms.
        for (int count : new int[] {2, 40, 200}) {
          Map<String, String> entries = IntStream.range(0, count).boxed()
              .collect(Collectors.toMap(i -> "key" + i, i -> "v" + i));
          assertWrite(cluster, byDigest, true, cache -> cache.putAll(entries));
          assertThat(byDigest.getAll(entries.keySet())).isEqualTo(entries);
          assertWrite(cluster, byDigest, true, cache -> cache.removeAll(entries.keySet()));
          assertThat(Tables.rowCount(byDigest)).isZero();
          assertWrite(cluster, ownForm, false, cache -> cache.putAll(entries));
          assertWrite(cluster, ownForm, false, cache -> cache.removeAll(entries.keySet()));
          assertThat(Tables.rowCount(ownForm)).isZero();
        }
        assertWrite(cluster, byDigest, true, cache -> cache.put("key0", "one"));
        assertWrite(cluster, byDigest, true, cache -> cache.remove("key0"));
        assertThat(Tables.rowCount(byDigest)).isZero();
      }
    }
  }

  /**
   * Runs the write while another session holds the advisory lock of {@code key0}, as a read-modify-write of an earlier
   * version would: it must wait for the lock when {@code waits}, and complete while it is held otherwise.
   */
  private static void assertWrite(Cluster cluster, Cache<String, String> cache, boolean waits,
      Consumer<Cache<String, String>> write) throws Exception {
    try (Connection holder = cluster.dataSource().getConnection()) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(id, " + KeyDigest.lockKey(Operator.digestOf("key0")) + ") FROM \""
            + cluster.schema() + "\".caches WHERE name = '" + cache.getName() + "'");
      }
      CompletableFuture<Void> done = CompletableFuture.runAsync(() -> write.accept(cache));
      if (waits) {
        await("the write waiting for the key's lock").atMost(HEARD)
            .until(() -> Tables.sessionsWaitingForKeyLock(cache, "key0") == 1);
        assertThat(done).isNotDone();
        holder.rollback();
      }
      done.get(HEARD.toSeconds(), TimeUnit.SECONDS);
      holder.rollback();
    }
  }

  private static Set<String> digests() {
    return Set.of(hex(Operator.digestOf("k")), hex(Operator.digestOf(SHORT_KEY)), hex(Operator.digestOf(LONG_KEY)));
  }

  /**
   * Writes on {@code a} land in rows of the expected keys, and {@code b}'s near copies, once it serves them, follow
   * each write: only a notification naming the key's digest drops a copy.
   */
  private static void assertKeyedAndCoherent(DataSource dataSource, Cache<String, String> a,
      Cache<String, String> b, Set<String> expectedRowKeys) {
    a.putAll(Map.of("k", "first", SHORT_KEY, "first", LONG_KEY, "first"));

    assertThat(rowKeys(a)).containsExactlyInAnyOrderElementsOf(expectedRowKeys);
    NearCaching.awaitNearCached(dataSource, List.of(b), KEYS);
    assertThat(b.getAll(KEYS)).isEqualTo(Map.of("k", "first", SHORT_KEY, "first", LONG_KEY, "first"));

    a.put("k", "second");
    a.put(SHORT_KEY, "second");
    a.put(LONG_KEY, "second");
    await().atMost(HEARD).untilAsserted(() ->
        assertThat(b.getAll(KEYS)).isEqualTo(Map.of("k", "second", SHORT_KEY, "second", LONG_KEY, "second")));

    List<String> iterated = new ArrayList<>();
    b.forEach(entry -> iterated.add(entry.getKey() + "=" + entry.getValue()));
    assertThat(iterated).containsExactlyInAnyOrder("k=second", SHORT_KEY + "=second", LONG_KEY + "=second");

    NearCaching.awaitNearCached(dataSource, List.of(b), KEYS);
    assertThat(a.remove("k")).isTrue();
    a.removeAll(Set.of(SHORT_KEY));
    await().atMost(HEARD).until(() -> b.get("k") == null && b.get(SHORT_KEY) == null);
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
