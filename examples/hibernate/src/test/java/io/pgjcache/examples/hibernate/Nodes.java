package io.pgjcache.examples.hibernate;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Hibernate nodes on one database, as separate application servers would be: each node is a
 * SessionFactory with a pgjcache configuration file of its own ({@code file:} URL), hence a cache manager
 * of its own. Entities live in a fresh schema and caches in another, both dropped at close, so tests
 * never see each other's data. The database is the one pgjcache resolves: {@code PGJCACHE_JDBC_URL}, or
 * the embedded PostgreSQL the provider starts.
 */
final class Nodes implements AutoCloseable {
  private static final HikariDataSource APPLICATION_POOL = ApplicationDatabase.pool("application", 8);

  private final String entitySchema;
  private final String cacheSchema;
  private final Path directory;
  private final Map<String, String> cacheSettings;
  private final Map<String, Object> hibernateSettings;
  private final List<HibernateNode> started = new ArrayList<>();

  private Nodes(Path directory, Map<String, String> cacheSettings, Map<String, Object> hibernateSettings) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    this.entitySchema = "app_" + suffix;
    this.cacheSchema = "cache_" + suffix;
    this.directory = directory;
    this.cacheSettings = cacheSettings;
    this.hibernateSettings = hibernateSettings;
  }

  static Builder in(Path directory) {
    return new Builder(directory);
  }

  static HikariDataSource applicationDataSource() {
    return APPLICATION_POOL;
  }

  /** Starts a node with the common settings; its pgjcache file is {@code <name>.properties}. */
  HibernateNode start(String name) {
    return start(name, Map.of());
  }

  /** Starts a node whose Hibernate settings are the common ones plus {@code overrides}. */
  HibernateNode start(String name, Map<String, ?> overrides) {
    Map<String, Object> settings = new HashMap<>(hibernateSettings);
    settings.put("hibernate.default_schema", entitySchema);
    settings.put("hibernate.hbm2ddl.create_namespaces", "true");
    settings.putAll(overrides);
    HibernateNode node = HibernateNode.start(name, APPLICATION_POOL, configFile(name).toUri().toString(), settings);
    started.add(node);
    return node;
  }

  /** The pgjcache configuration file of a node, written on first use. */
  Path configFile(String nodeName) {
    Path file = directory.resolve(nodeName + ".properties");
    if (Files.notExists(file)) {
      StringBuilder text = new StringBuilder("pgjcache.schema=" + cacheSchema + "\npgjcache.pool.size=4\n");
      cacheSettings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
      try {
        Files.writeString(file, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return file;
  }

  String entitySchema() {
    return entitySchema;
  }

  String cacheSchema() {
    return cacheSchema;
  }

  @Override
  public void close() {
    for (HibernateNode node : started) {
      if (node.sessionFactory().isOpen()) {
        node.close();
      }
    }
    try (Connection connection = APPLICATION_POOL.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + entitySchema + " CASCADE");
      statement.execute("DROP SCHEMA IF EXISTS " + cacheSchema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not drop the test schemas", e);
    }
  }

  /** Settings shared by every node of a test. */
  static final class Builder {
    private final Path directory;
    private final Map<String, String> cacheSettings = new LinkedHashMap<>();
    private final Map<String, Object> hibernateSettings = new HashMap<>();

    private Builder(Path directory) {
      this.directory = directory;
    }

    /** A line of every node's pgjcache file, e.g. a per-region time to live. */
    Builder cacheSetting(String key, String value) {
      cacheSettings.put(key, value);
      return this;
    }

    Builder hibernateSetting(String key, Object value) {
      hibernateSettings.put(key, value);
      return this;
    }

    Nodes build() {
      return new Nodes(directory, cacheSettings, hibernateSettings);
    }
  }
}
