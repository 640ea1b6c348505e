package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Tables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A codec per manager and per cache: json values live in jsonb and answer SQL, kryo stores classes that are not
 * Serializable, the registry records each cache's codec, and a node configured with another one fails at open.
 */
class CodecChoiceIT {
  private static Cluster cluster;

  /** Not Serializable, no no-argument constructor: what the java codec refuses. */
  static final class Order {
    private final String id;
    private final String status;
    private final List<Line> lines;

    Order(String id, String status, List<Line> lines) {
      this.id = id;
      this.status = status;
      this.lines = lines;
    }

    // Jackson builds it through this constructor, as an application's DTO would declare it.
    @com.fasterxml.jackson.annotation.JsonCreator
    static Order of(@com.fasterxml.jackson.annotation.JsonProperty("id") String id,
        @com.fasterxml.jackson.annotation.JsonProperty("status") String status,
        @com.fasterxml.jackson.annotation.JsonProperty("lines") List<Line> lines) {
      return new Order(id, status, lines);
    }

    public String getId() {
      return id;
    }

    public String getStatus() {
      return status;
    }

    public List<Line> getLines() {
      return lines;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Order that && id.equals(that.id) && status.equals(that.status)
          && lines.equals(that.lines);
    }

    @Override
    public int hashCode() {
      return id.hashCode();
    }
  }

  record Line(String sku, int quantity) {
  }

  @BeforeAll
  static void start() {
    cluster = Cluster.of(2);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static Order order(String id, String status) {
    return new Order(id, status, List.of(new Line("apple", 3), new Line("pear", 1)));
  }

  @Test
  void json_storesValuesInJsonb_thatSqlCanQuery_andEveryNodeReads() throws SQLException {
    List<Cache<String, Order>> caches = cluster.cache("json-orders",
        new PgCacheConfiguration<String, Order>().setCodec("json").setTypes(String.class, Order.class));
    caches.get(0).put("o1", order("o1", "shipped"));
    // Many rows in one statement too.
    caches.get(0).putAll(Map.of("o2", order("o2", "open"), "o3", order("o3", "shipped")));
    // A read-modify-write of a key without a row claims it with a row of the column's type first.
    assertThat(caches.get(0).putIfAbsent("o4", order("o4", "open"))).isTrue();
    assertThat(caches.get(0).replace("o5", order("o5", "open"))).isFalse();
    caches.get(0).remove("o4");

    assertThat(caches.get(1).get("o2")).isEqualTo(order("o2", "open"));
    assertThat(query("SELECT data_type FROM information_schema.columns WHERE table_schema = '" + cluster.schema()
        + "' AND table_name = '" + tableName(caches.get(0)) + "' AND column_name = 'value_bytes'"))
        .containsExactly("jsonb");
    // A concrete declared type: the document is the value itself, no type information in it.
    assertThat(query("SELECT status || ' ' || n FROM (SELECT value_bytes->>'status' AS status, count(*) AS n FROM "
        + Tables.tableName(caches.get(0)) + " GROUP BY 1) AS counted ORDER BY 1"))
        .containsExactly("open 1", "shipped 2");
    assertThat(query("SELECT sum((line->>'quantity')::int)::text FROM " + Tables.tableName(caches.get(0))
        + ", jsonb_array_elements(value_bytes->'lines') AS line WHERE value_bytes @> '{\"status\": \"shipped\"}'"))
        .containsExactly("8");
  }

  @Test
  void json_inAnObjectCache_storesTheTypeName_andReadsOnlyAdmittedClasses() throws SQLException {
    Properties admitted = new Properties();
    admitted.setProperty(Setting.CODEC.key(), "json");
    admitted.setProperty(Setting.SERIAL_FILTER.key(),
        Setting.SERIAL_FILTER.defaultValue().orElseThrow() + ";" + Order.class.getName() + ";" + Line.class.getName());
    try (CacheManager writer = cluster.newNode("json-writer", admitted);
        CacheManager reader = cluster.newNode("json-reader", withCodec("json"))) {
      Cache<String, Object> written = writer.createCache("json-objects", new MutableConfiguration<>());
      written.put("order", order("o1", "open"));
      written.put("count", 42L);
      written.put("list", new ArrayList<>(List.of("a", "b")));

      assertThat(written.get("order")).isEqualTo(order("o1", "open"));
      assertThat(written.get("count")).isEqualTo(42L);
      assertThat(query("SELECT value_bytes->>'@type' FROM " + Tables.tableName(written) + " ORDER BY 1"))
          .containsExactly("io.pgjcache.CodecChoiceIT$Order", "java.lang.Long", "java.util.ArrayList");
      assertThat(query("SELECT value_bytes->'value'->>'status' FROM " + Tables.tableName(written)
          + " WHERE value_bytes->>'@type' LIKE '%Order'")).containsExactly("open");

      // A node that has not admitted Order refuses it before Jackson makes one.
      Cache<String, Object> read = reader.getCache("json-objects");
      assertThat(read.get("count")).isEqualTo(42L);
      assertThatThrownBy(() -> read.get("order")).isInstanceOf(CacheException.class)
          .hasMessageContaining(Order.class.getName()).hasMessageContaining(Setting.SERIAL_FILTER.key());
    }
  }

  @Test
  void json_aNodeOnJackson3_andANodeOnJackson2_shareACache_asDuringAnUpgradeFromBoot3ToBoot4() {
    Properties jackson3 = withCodec("json");
    jackson3.put(Setting.JSON_MAPPER.key(), tools.jackson.databind.json.JsonMapper.builder().build());
    try (CacheManager onJackson3 = cluster.newNode("json-jackson3", jackson3);
        CacheManager onJackson2 = cluster.newNode("json-jackson2", withCodec("json"))) {
      Cache<String, Order> written = onJackson3.createCache("json-both-versions",
          new PgCacheConfiguration<String, Order>().setCodec("json").setTypes(String.class, Order.class));
      Cache<String, Order> read = onJackson2.getCache("json-both-versions", String.class, Order.class);

      written.put("o1", order("o1", "shipped"));
      read.put("o2", order("o2", "open"));

      assertThat(read.get("o1")).isEqualTo(order("o1", "shipped"));
      assertThat(written.get("o2")).isEqualTo(order("o2", "open"));
      assertThat(query("SELECT value_bytes->>'status' FROM " + Tables.tableName(written) + " ORDER BY 1"))
          .containsExactly("open", "shipped");
    }
  }

  @Test
  void kryo_storesClassesThatAreNotSerializable_acrossNodes() {
    List<Cache<String, Order>> caches = cluster.cache("kryo-orders",
        new PgCacheConfiguration<String, Order>().setCodec("kryo").setTypes(String.class, Order.class));
    caches.get(0).put("o1", order("o1", "open"));
    Map<String, Order> many = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      many.put("m" + i, order("m" + i, "open"));
    }
    caches.get(0).putAll(many);

    assertThat(caches.get(1).get("o1")).isEqualTo(order("o1", "open"));
    assertThat(caches.get(1).getAll(many.keySet())).isEqualTo(many);
  }

  @Test
  void theCodecIsRecorded_andANodeConfiguredWithAnotherOneFailsAtOpen_namingBoth() {
    cluster.node(0).createCache("recorded", new PgCacheConfiguration<String, String>().setCodec("kryo")
        .setTypes(String.class, String.class)).put("k", "v");

    assertThat(query("SELECT codec FROM " + cluster.schema() + ".caches WHERE name = 'recorded'"))
        .containsExactly("kryo");
    assertThatThrownBy(() -> cluster.node(1).createCache("recorded",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class)))
        .isInstanceOf(CacheException.class).hasMessageContaining("'recorded'").hasMessageContaining("kryo codec")
        .hasMessageContaining("java codec");
    // Opened by name alone, a node takes the recorded codec.
    assertThat(cluster.node(1).getCache("recorded", String.class, String.class).get("k")).isEqualTo("v");
  }

  @Test
  void aPerCacheSetting_choosesTheCodecOfThatCacheOnly() {
    Properties settings = withCodec("kryo");
    settings.setProperty(Setting.CACHE_PREFIX + "per-cache-json." + Setting.CACHE_CODEC.key(), "json");
    try (CacheManager node = cluster.newNode("per-cache", settings)) {
      node.createCache("per-cache-json", new MutableConfiguration<String, String>()).put("k", "v");
      node.createCache("per-cache-kryo", new MutableConfiguration<String, String>()).put("k", "v");
    }
    assertThat(query("SELECT name || ' ' || codec FROM " + cluster.schema() + ".caches WHERE name LIKE 'per-cache-%'"
        + " ORDER BY 1")).containsExactly("per-cache-json json", "per-cache-kryo kryo");
  }

  @Test
  void json_withASigningKey_isRefusedAtOpen_namingBoth() {
    Properties settings = withCodec("json");
    settings.setProperty(Setting.SIGNING_KEY.key(), "a-signing-key-for-tests-0123456789abcdef");
    try (CacheManager node = cluster.newNode("signed-json", settings)) {
      assertThatThrownBy(() -> node.createCache("signed-json", new MutableConfiguration<String, String>()))
          .isInstanceOf(CacheException.class).hasMessageContaining("json codec")
          .hasMessageContaining(Setting.SIGNING_KEY.key());
    }
  }

  @Test
  void anUnknownCodec_failsNamingTheSettingAndTheChoices() {
    assertThatThrownBy(() -> cluster.newNode("unknown-codec", withCodec("yaml")))
        .hasMessageContaining(Setting.CODEC.key()).hasMessageContaining("java, json, kryo");
  }

  private static Properties withCodec(String codec) {
    Properties settings = new Properties();
    settings.setProperty(Setting.CODEC.key(), codec);
    return settings;
  }

  private static String tableName(Cache<?, ?> cache) {
    String qualified = Tables.tableName(cache);
    return qualified.substring(qualified.lastIndexOf(".\"") + 2, qualified.length() - 1);
  }

  private static List<String> query(String sql) {
    List<String> rows = new ArrayList<>();
    try (Connection c = cluster.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
    return rows;
  }
}
