package io.pgjcache.benchmarks.nearcache;

import io.pgjcache.PgCacheManager;
import io.pgjcache.PgCachingProvider;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.cache.Caching;
import javax.sql.DataSource;

/**
 * pgjcache managers that act as nodes of one cluster: each has its own URI, pool and LISTEN connection, all
 * share one database and one schema of their own, which {@link #close()} drops. The database is the embedded
 * PostgreSQL unless {@code PGJCACHE_JDBC_URL} names another (the provider reads it itself). Nodes in other
 * JVMs join a cluster by its schema ({@link #join}); closing those leaves the schema in place.
 */
final class Nodes implements AutoCloseable {
  private final String schema;
  private final boolean ownsSchema;
  private final List<PgCacheManager> managers = new ArrayList<>();

  /** A cluster of its own, in a new schema. */
  Nodes() {
    this("bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10), true);
  }

  private Nodes(String schema, boolean ownsSchema) {
    this.schema = schema;
    this.ownsSchema = ownsSchema;
  }

  /** Nodes of the cluster that another JVM made in {@code schema}. */
  static Nodes join(String schema) {
    return new Nodes(schema, false);
  }

  /**
   * A new node; {@code settings} are pgjcache properties on top of the cluster's schema. The sweeper is off:
   * nothing here expires, and a sweep would only add noise.
   */
  PgCacheManager node(String name, Properties settings) {
    Properties own = new Properties();
    own.setProperty("pgjcache.schema", schema);
    own.setProperty("pgjcache.sweep.interval", "PT0S");
    own.putAll(settings);
    PgCachingProvider provider = (PgCachingProvider) Caching.getCachingProvider(PgCachingProvider.class.getName());
    PgCacheManager manager = provider.getCacheManager(URI.create("bench:" + schema + "-" + name),
        Nodes.class.getClassLoader(), own).unwrap(PgCacheManager.class);
    managers.add(manager);
    return manager;
  }

  /** Closes one node of this cluster. */
  void close(PgCacheManager node) {
    if (managers.remove(node)) {
      node.close();
    }
  }

  String schema() {
    return schema;
  }

  /** The first node's pool, for statements of the benchmark's own. */
  DataSource dataSource() {
    return managers.get(0).getDataSource();
  }

  /** Closes every node, then drops the schema with everything in it. */
  @Override
  public void close() {
    if (managers.isEmpty()) {
      return;
    }
    if (!ownsSchema) {
      managers.forEach(PgCacheManager::close);
      return;
    }
    DataSource dataSource = dataSource();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      managers.subList(1, managers.size()).forEach(PgCacheManager::close);
      s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    } catch (SQLException e) {
      System.err.println("Could not drop schema " + schema + ": " + e.getMessage());
    } finally {
      managers.get(0).close();
    }
  }

  static Properties settings(String... keyValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return properties;
  }
}
