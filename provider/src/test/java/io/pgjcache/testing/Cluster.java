package io.pgjcache.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.PgCacheManager;
import io.pgjcache.PgCachingProvider;
import io.pgjcache.internal.notify.ListenTarget;
import io.pgjcache.internal.store.Identifiers;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.sql.DataSource;

/**
 * Several cache managers on one database, each a node of its own (own pool, own URI). The database is
 * the embedded PostgreSQL unless {@code PGJCACHE_JDBC_URL} names another. Every cluster works in a
 * schema of its own, so tests never see each other's caches; closing it drops that schema and nothing else.
 * {@link #builder()} gives nodes settings of their own (one node without a near cache, say).
 */
public final class Cluster implements AutoCloseable {
  private final List<CacheManager> nodes = new ArrayList<>();
  private final String schema;
  private final Properties properties;

  private Cluster(int size, Properties extra, Map<Integer, Properties> perNode) {
    this.schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    this.properties = new Properties();
    properties.setProperty("pgjcache.schema", schema);
    properties.putAll(extra);
    PgCachingProvider provider = provider();
    try {
      for (int i = 0; i < size; i++) {
        Properties own = new Properties();
        own.putAll(properties);
        own.putAll(perNode.getOrDefault(i, new Properties()));
        nodes.add(provider.getCacheManager(URI.create("test:" + schema + "-node-" + i),
            Cluster.class.getClassLoader(), own));
      }
    } catch (RuntimeException e) {
      nodes.forEach(CacheManager::close);
      throw e;
    }
  }

  public static Cluster of(int size) {
    return new Cluster(size, new Properties(), Map.of());
  }

  public static Cluster of(int size, Properties extra) {
    return new Cluster(size, extra, Map.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings for every node, and settings that only one node gets (they win over the shared ones). */
  public static final class Builder {
    private int size = 1;
    private final Properties shared = new Properties();
    private final Map<Integer, Properties> perNode = new HashMap<>();

    private Builder() {
    }

    public Builder nodes(int count) {
      this.size = count;
      return this;
    }

    public Builder property(String key, String value) {
      shared.setProperty(key, value);
      return this;
    }

    public Builder nodeProperty(int node, String key, String value) {
      perNode.computeIfAbsent(node, n -> new Properties()).setProperty(key, value);
      return this;
    }

    public Cluster build() {
      return new Cluster(size, shared, perNode);
    }
  }

  public static PgCachingProvider provider() {
    return (PgCachingProvider) Caching.getCachingProvider(PgCachingProvider.class.getName());
  }

  public CacheManager node(int index) {
    return nodes.get(index);
  }

  /** The pool of a node, for looking at and tampering with the tables as an operator would. */
  public DataSource dataSource(int index) {
    return nodes.get(index).unwrap(PgCacheManager.class).getDataSource();
  }

  /** Where the nodes' database is, and as whom they log in. */
  public ListenTarget database() {
    HikariDataSource pool = (HikariDataSource) dataSource(0);
    return ListenTarget.fromJdbcUrl(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
  }

  /** A JDBC URL for the nodes' database and credentials that connects through another address (a proxy). */
  public String jdbcUrlVia(String host, int port) {
    ListenTarget database = database();
    return "jdbc:postgresql://" + host + ":" + port + "/" + encode(database.database()) + "?user="
        + encode(database.user()) + (database.password() == null ? "" : "&password=" + encode(database.password()));
  }

  public String schema() {
    return schema;
  }

  public Properties properties() {
    return properties;
  }

  /**
   * One more node on this cluster's database and schema, with some settings of its own (for example
   * no sweeper). The caller closes it.
   */
  public CacheManager newNode(String name, Properties overrides) {
    Properties settings = new Properties();
    settings.putAll(properties);
    settings.putAll(overrides);
    return provider().getCacheManager(URI.create("test:" + schema + "-" + name), Cluster.class.getClassLoader(),
        settings);
  }

  /** The first node's DataSource, for looking at the tables directly. */
  public DataSource dataSource() {
    return node(0).unwrap(PgCacheManager.class).getDataSource();
  }

  /** Runs one SQL statement (tests use it to set up canaries and the like; qualify names with {@link #schema()}). */
  public void execute(String sql) {
    try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("Test SQL failed: " + sql, e);
    }
  }

  /**
   * Creates the cache on every node, as nodes that run the same start-up code do: the first creates
   * the table, the others attach to it. So every node has the whole configuration (expiry policy,
   * listeners, loader, writer), which a node that only calls {@code getCache} would not.
   */
  public <K, V> List<Cache<K, V>> cache(String name, MutableConfiguration<K, V> configuration) {
    List<Cache<K, V>> caches = new ArrayList<>();
    for (CacheManager node : nodes) {
      caches.add(node.createCache(name, configuration));
    }
    return caches;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    CacheManager first = nodes.get(0);
    if (first.isClosed()) {
      nodes.forEach(CacheManager::close);
      return;
    }
    for (String name : first.getCacheNames()) {
      first.destroyCache(name);
    }
    nodes.subList(1, nodes.size()).forEach(CacheManager::close);
    execute("DROP SCHEMA " + Identifiers.quote(schema) + " CASCADE");
    first.close();
  }
}
