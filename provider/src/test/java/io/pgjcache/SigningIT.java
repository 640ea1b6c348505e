package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgjcache.configuration.Setting;
import io.pgjcache.internal.store.Identifiers;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Intruders;
import io.pgjcache.testing.Operator;
import io.pgjcache.testing.Tables;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import org.junit.jupiter.api.Test;

/**
 * With {@code pgjcache.signing-key}, rows and cluster events that nobody holding the key wrote are refused before
 * a byte of them is decoded, whoever could write the tables or NOTIFY the channels. Near caches are off where a
 * test changes rows by hand, so that every read goes to the table.
 */
class SigningIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String OLD_KEY = "old-signing-key-for-tests-0123456789abcdef";
  private static final String NEW_KEY = "new-signing-key-for-tests-0123456789abcdef";
  static final Set<String> INITIALIZED = ConcurrentHashMap.newKeySet();

  /** Has the shape of {@link Intruder}; its bytes are rewritten to name that class. */
  static final class Template implements Serializable {
    private static final long serialVersionUID = 1L;
    int payload = 1;
  }

  /** A class the serial filter allows: only the signature keeps a row from making this JVM initialize it. */
  static final class Intruder implements Serializable {
    private static final long serialVersionUID = 1L;
    int payload;

    static {
      INITIALIZED.add("Intruder");
    }
  }

  private static Cluster.Builder signed(String key) {
    return Cluster.builder().property(Setting.SIGNING_KEY.key(), key)
        .property(Setting.NEAR_CACHE_ENABLED.key(), "false")
        .property(Setting.SERIAL_FILTER.key(), Setting.SERIAL_FILTER.defaultValue().orElseThrow() + ";"
            + Intruder.class.getName());
  }

  private static Cache<String, Object> cache(CacheManager node, String name) {
    return node.createCache(name, new MutableConfiguration<String, Object>().setTypes(String.class, Object.class));
  }

  @Test
  void aRowWrittenWithoutTheKey_isRefusedBeforeDecoding_andItsClassIsNeverInitialized() throws Exception {
    try (Cluster cluster = signed(NEW_KEY).build()) {
      Cache<String, Object> cache = cache(cluster.node(0), "orders");
      byte[] intruder = Intruders.encodedAs(new Template(), Intruder.class.getName());
      new Operator(cluster.dataSource()).execute("INSERT INTO " + Tables.tableName(cache)
          + " (key_digest, key_bytes, value_bytes, expires_at, version) VALUES (?, ?, ?, NULL, 1)",
          Operator.rowKeyOf("intruder"), Operator.encoded("intruder"), intruder);

      assertThatThrownBy(() -> cache.get("intruder"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("'orders'")
          .hasMessageContaining(HexFormat.of().formatHex(Operator.digestOf("intruder")))
          .hasMessageContaining("signature is missing");
      assertThatThrownBy(() -> cache.iterator().next()).isInstanceOf(CacheException.class)
          .hasMessageContaining("signature is missing");
      assertThat(INITIALIZED).isEmpty();
    }
  }

  @Test
  void aValidRowCopiedUnderAnotherKey_isRefused() throws Exception {
    try (Cluster cluster = signed(NEW_KEY).build()) {
      Cache<String, Object> cache = cache(cluster.node(0), "orders");
      cache.put("cheap", "1.00");
      cache.put("dear", "999.00");
      Operator operator = new Operator(cluster.dataSource());
      String table = Tables.tableName(cache);

      operator.execute("UPDATE " + table + " SET value_bytes = (SELECT value_bytes FROM " + table
          + " WHERE key_digest = ?) WHERE key_digest = ?", Operator.rowKeyOf("cheap"), Operator.rowKeyOf("dear"));

      assertThatThrownBy(() -> cache.get("dear")).isInstanceOf(CacheException.class)
          .hasMessageContaining(HexFormat.of().formatHex(Operator.digestOf("dear")))
          .hasMessageContaining("signature is invalid");
      assertThat(cache.get("cheap")).isEqualTo("1.00");

      // The whole row of one key under another key's digest: its key is not the one the digest is of.
      operator.execute("DELETE FROM " + table + " WHERE key_digest = ?", (Object) Operator.rowKeyOf("dear"));
      operator.execute("INSERT INTO " + table + " (key_digest, key_bytes, value_bytes, expires_at, version)"
          + " SELECT ?, key_bytes, value_bytes, expires_at, version FROM " + table + " WHERE key_digest = ?",
          Operator.rowKeyOf("dear"), Operator.rowKeyOf("cheap"));
      assertThatThrownBy(() -> cache.get("dear")).hasMessageContaining("signature is invalid");
      assertThatThrownBy(() -> cache.forEach(entry -> { })).isInstanceOf(CacheException.class)
          .hasMessageContaining("signature is invalid");
    }
  }

  @Test
  void rotation_rowsOfThePreviousKeyRead_onANodeThatHasIt_andAreRefusedOnOneThatDoesNot() throws Exception {
    try (Cluster cluster = signed(OLD_KEY).build()) {
      cache(cluster.node(0), "orders").put("before", "written under the old key");
      Properties rotated = new Properties();
      rotated.setProperty(Setting.SIGNING_KEY.key(), NEW_KEY);
      rotated.setProperty(Setting.PREVIOUS_SIGNING_KEY.key(), OLD_KEY);
      Properties newOnly = new Properties();
      newOnly.setProperty(Setting.SIGNING_KEY.key(), NEW_KEY);

      try (CacheManager rotating = cluster.newNode("rotating", rotated);
          CacheManager finished = cluster.newNode("finished", newOnly)) {
        Cache<String, Object> onRotating = cache(rotating, "orders");
        Cache<String, Object> onFinished = cache(finished, "orders");

        assertThat(onRotating.get("before")).isEqualTo("written under the old key");
        onRotating.put("after", "written under the new key");
        assertThat(onFinished.get("after")).isEqualTo("written under the new key");
        assertThatThrownBy(() -> onFinished.get("before")).isInstanceOf(CacheException.class)
            .hasMessageContaining("signature is invalid")
            .hasMessageContaining("a key this node does not hold")
            .hasMessageContaining(Setting.PREVIOUS_SIGNING_KEY.key());
        // Rewriting a row signs it anew, and the digest it is found by is the same under every key.
        onRotating.put("before", "rewritten");
        assertThat(onFinished.get("before")).isEqualTo("rewritten");
        assertThat(Tables.rowCount(onFinished)).isEqualTo(2);
      }
    }
  }

  @Test
  void withoutAKey_rowsHoldTheUnsignedEncoding_andASignedNodeRefusesThem() throws Exception {
    try (Cluster cluster = Cluster.builder().nodes(1).build()) {
      Cache<String, Object> cache = cache(cluster.node(0), "plain");
      cache.put("k", "v");

      assertThat(storedValue(cluster, cache, "k")).isEqualTo(Operator.encoded("v"));
      Properties signing = new Properties();
      signing.setProperty(Setting.SIGNING_KEY.key(), NEW_KEY);
      signing.setProperty(Setting.NEAR_CACHE_ENABLED.key(), "false");
      try (CacheManager signed = cluster.newNode("signed", signing)) {
        Cache<String, Object> onSigned = cache(signed, "plain");
        assertThatThrownBy(() -> onSigned.get("k")).hasMessageContaining("signature is missing");
        onSigned.put("s", "v");
        assertThat(storedValue(cluster, cache, "s")).startsWith(Operator.encoded("v"))
            .hasSize(Operator.encoded("v").length + 37);
      }
    }
  }

  @Test
  void aForgedClusterEvent_isNotDelivered_whileSignedOnesAre() throws Exception {
    try (Cluster cluster = signed(NEW_KEY).nodes(2).build()) {
      List<Cache<String, String>> caches = cluster.cache("events",
          new PgCacheConfiguration<String, String>().setClusterEvents(true));
      List<String> heard = new CopyOnWriteArrayList<>();
      caches.get(0).registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(new Recorder(heard)), null, true, true));
      caches.get(1).put("existing", "value");
      await("the first real event heard on node 0").atMost(WAIT).until(() -> heard.contains("existing=value"));
      Base64.Encoder base64 = Base64.getEncoder();
      String prefix = cacheId(cluster, "events") + " stranger C ";
      byte[] signedKey = storedKey(cluster, caches.get(1), "existing");

      // A key and value of allowed classes but no signature; and a real signed key with a forged value.
      notify(cluster, prefix + base64.encodeToString(Operator.encoded("forged")) + " "
          + base64.encodeToString(Operator.encoded("value")) + " -");
      notify(cluster, prefix + base64.encodeToString(signedKey) + " "
          + base64.encodeToString(Operator.encoded("forged value")) + " -");
      caches.get(1).put("real", "value");

      await("the second real event heard on node 0").atMost(WAIT).until(() -> heard.contains("real=value"));
      assertThat(heard).containsExactly("existing=value", "real=value");
    }
  }

  private static byte[] storedValue(Cluster cluster, Cache<?, ?> cache, String key) throws Exception {
    return column(cluster, cache, "value_bytes", key);
  }

  private static byte[] storedKey(Cluster cluster, Cache<?, ?> cache, String key) throws Exception {
    return column(cluster, cache, "key_bytes", key);
  }

  private static byte[] column(Cluster cluster, Cache<?, ?> cache, String column, String key) throws Exception {
    try (Connection c = cluster.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + Tables.tableName(cache)
            + " WHERE key_digest = ?")) {
      ps.setBytes(1, Operator.rowKeyOf(key));
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a row for " + key).isTrue();
        return rs.getBytes(1);
      }
    }
  }

  private static int cacheId(Cluster cluster, String name) throws Exception {
    try (Connection c = cluster.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM " + Identifiers.quote(cluster.schema())
            + ".caches WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** What any database user can do: {@code SELECT pg_notify(channel, payload)}. */
  private static void notify(Cluster cluster, String payload) throws Exception {
    try (Connection c = cluster.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, Identifiers.eventsChannel(cluster.schema()));
      ps.setString(2, payload);
      ps.execute();
    }
  }

  /** Records created entries as {@code key=value}. */
  static final class Recorder implements CacheEntryCreatedListener<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final List<String> heard;

    Recorder(List<String> heard) {
      this.heard = heard;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        heard.add(event.getKey() + "=" + event.getValue());
      }
    }
  }
}
