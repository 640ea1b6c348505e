package io.pgjcache.examples;

import io.pgjcache.PgCache;
import io.pgjcache.PgCacheManager;
import io.pgjcache.configuration.Setting;
import java.io.PrintStream;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.spi.CachingProvider;

/**
 * pgjcache in one minute: two cache managers sharing one PostgreSQL behave as two application nodes.
 * Node A writes, node B reads and updates, node A sees the update; an entry expires; and the tables
 * behind it all are shown as PostgreSQL holds them.
 *
 * <p>Run it from the repository root (it needs nothing installed but a JDK):
 * <pre>{@code ./mvnw -q -Pdemo -pl examples -am package -DskipTests}</pre>
 * With no {@code PGJCACHE_JDBC_URL} set, the provider starts an embedded PostgreSQL that is discarded
 * when the JVM exits. Set it (with {@code PGJCACHE_JDBC_USER}/{@code PGJCACHE_JDBC_PASSWORD} if needed)
 * to run the demo on a database of your own: it works in a schema of its own and drops its caches at the end.
 */
public final class TwoNodeDemo {
  static final URI NODE_A = URI.create("demo:node-a");
  static final URI NODE_B = URI.create("demo:node-b");
  /** A schema of the demo's own, so that it never meets the caches of a real application. */
  static final String SCHEMA = "pgjcache_demo";
  static final String USERS = "users";
  static final String CODES = "login-codes";
  static final Duration CODE_TTL = Duration.ofSeconds(2);

  /** How long node A may take to see node B's write: immediate today, but a near cache learns of it by notification. */
  private static final Duration PROPAGATION_TIMEOUT = Duration.ofSeconds(5);
  /** How long to wait past the TTL before reporting that the entry did not expire. */
  private static final Duration EXPIRY_GRACE = Duration.ofSeconds(5);

  private final PrintStream out;

  TwoNodeDemo(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  public static void main(String[] args) throws Exception {
    new TwoNodeDemo(System.out).run();
  }

  /** Runs every step, printing as it goes, and returns what it observed. Both managers are closed on return. */
  DemoResult run() throws InterruptedException, SQLException {
    CachingProvider provider = Caching.getCachingProvider("io.pgjcache.PgCachingProvider");
    Properties properties = new Properties();
    properties.setProperty(Setting.SCHEMA.key(), SCHEMA);
    ClassLoader classLoader = provider.getDefaultClassLoader();

    out.println("pgjcache demo: two cache managers (\"nodes\") sharing one PostgreSQL");
    out.println("node A = " + NODE_A + ", node B = " + NODE_B + ": each has its own connection pool");
    try (CacheManager nodeA = provider.getCacheManager(NODE_A, classLoader, properties);
        CacheManager nodeB = provider.getCacheManager(NODE_B, classLoader, properties)) {
      // Caches outlive managers: start clean in case an earlier run on the same database was interrupted.
      nodeA.destroyCache(USERS);
      nodeA.destroyCache(CODES);

      out.println();
      out.println("[1] What one node writes, the other reads");
      Cache<String, UserProfile> usersOnA = nodeA.createCache(USERS,
          new MutableConfiguration<String, UserProfile>().setTypes(String.class, UserProfile.class));
      put("A", usersOnA, "user:1", new UserProfile("Ada", "free"));
      put("A", usersOnA, "user:2", new UserProfile("Linus", "free"));
      // Node B finds the cache in the database's registry: it never configured it.
      Cache<String, UserProfile> usersOnB = nodeB.getCache(USERS, String.class, UserProfile.class);
      UserProfile readOnB = get("B", usersOnB, "user:1");
      UserProfile upgraded = new UserProfile("Ada", "pro");
      put("B", usersOnB, "user:1", upgraded);
      UserProfile readOnA = Poll.until(() -> usersOnA.get("user:1"), upgraded::equals, PROPAGATION_TIMEOUT);
      show("A", "get", "user:1", readOnA);

      out.println();
      out.println("[2] Entries expire: CreatedExpiryPolicy of " + CODE_TTL.toSeconds() + " s");
      Cache<String, String> codesOnA = nodeA.createCache(CODES, new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class)
          .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
              new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, CODE_TTL.toMillis()))));
      Cache<String, String> codesOnB = nodeB.getCache(CODES, String.class, String.class);
      long putAt = System.nanoTime();
      put("A", codesOnA, "code:ada", "481516");
      String codeBeforeExpiry = get("B", codesOnB, "code:ada");
      TableInspector inspector = new TableInspector(nodeA.unwrap(PgCacheManager.class).getDataSource());
      Long codeExpiresAt = inspector.entries(codesOnA.unwrap(PgCache.class).getTableName(), 1).stream()
          .findFirst().map(TableInspector.EntryRow::expiresAt).orElse(null);
      out.println("    its row in PostgreSQL: expires_at = " + describeExpiry(codeExpiresAt));
      String last = Poll.until(() -> codesOnB.get("code:ada"), Objects::isNull, CODE_TTL.plus(EXPIRY_GRACE));
      Duration waited = Duration.ofNanos(System.nanoTime() - putAt);
      Duration codeGoneAfter = last == null ? waited : null;
      out.printf("    node B  get  %-8s -> %s, %.2f s after the put%n", "code:ada", last, waited.toMillis() / 1000.0);

      out.println();
      out.println("[3] What PostgreSQL holds");
      List<TableInspector.RegistryRow> registry = inspector.registry(SCHEMA);
      out.println("    " + SCHEMA + ".caches, the registry every node reads:");
      for (TableInspector.RegistryRow row : registry) {
        out.printf("      %-12s -> table %s%n", row.name(), row.tableName());
      }
      String usersTable = usersOnA.unwrap(PgCache.class).getTableName();
      String persistence = inspector.persistence(usersTable);
      out.println("    " + usersTable + ": relpersistence = '" + persistence + "'"
          + ("u".equals(persistence) ? " (UNLOGGED: no WAL, so fast writes; emptied after a crash)" : ""));
      List<TableInspector.EntryRow> usersRows = inspector.entries(usersTable, 5);
      out.println("      key bytes  value bytes  expires_at");
      for (TableInspector.EntryRow row : usersRows) {
        out.printf("      %9d  %11d  %s%n", row.keyBytes(), row.valueBytes(), describeExpiry(row.expiresAt()));
      }

      nodeA.destroyCache(USERS);
      nodeA.destroyCache(CODES);
      out.println();
      out.println("Done: dropped the demo's caches and closed both nodes.");
      return new DemoResult(readOnB, readOnA, codeBeforeExpiry, codeExpiresAt, codeGoneAfter, registry,
          usersTable, persistence, usersRows);
    }
  }

  private <V> void put(String node, Cache<String, V> cache, String key, V value) {
    cache.put(key, value);
    show(node, "put", key, value);
  }

  private <V> V get(String node, Cache<String, V> cache, String key) {
    V value = cache.get(key);
    show(node, "get", key, value);
    return value;
  }

  private void show(String node, String operation, String key, Object value) {
    out.printf("    node %s  %s  %-8s %s %s%n", node, operation, key, "put".equals(operation) ? "=" : "->", value);
  }

  private static String describeExpiry(Long expiresAt) {
    return expiresAt == null ? "NULL (never expires)" : expiresAt + " (" + Instant.ofEpochMilli(expiresAt) + ")";
  }
}
