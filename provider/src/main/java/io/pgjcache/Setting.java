package io.pgjcache;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every setting the provider understands: the single source of their names, defaults and meaning.
 *
 * <p>Manager settings are read from the {@code Properties} given to
 * {@link javax.cache.spi.CachingProvider#getCacheManager(java.net.URI, ClassLoader, java.util.Properties)},
 * then from a {@code .properties} file named by the manager's URI, then from environment variables
 * ({@code pgjcache.jdbc.url} becomes {@code PGJCACHE_JDBC_URL}); the first source that has a value wins.
 * Per-cache settings are written {@code pgjcache.cache.<cache name>.<setting>} and apply to the cache of that
 * name whenever this manager creates or opens it.
 */
public enum Setting {
  JDBC_URL("pgjcache.jdbc.url", Scope.MANAGER, null,
      "JDBC URL of the database that holds the cache tables. Without one (and without `pgjcache.datasource`), "
          + "the manager runs on a private PostgreSQL if `io.pgjcache:pgjcache-embedded` is on the class path, "
          + "and fails to start otherwise."),
  JDBC_USER("pgjcache.jdbc.user", Scope.MANAGER, null, "Database user; may also be given in the URL."),
  JDBC_PASSWORD("pgjcache.jdbc.password", Scope.MANAGER, null,
      "Database password; may also be given in the URL. Never logged."),
  DATASOURCE("pgjcache.datasource", Scope.MANAGER, null,
      "A live `javax.sql.DataSource` object (Properties only) to use instead of a pool of our own."),
  LISTEN_URL("pgjcache.listen.url", Scope.MANAGER, null,
      "Direct JDBC URL for the one LISTEN connection that receives invalidations (never pooled). Needed when "
          + "`pgjcache.jdbc.url` goes through PgBouncer in transaction mode; defaults to `pgjcache.jdbc.url`, or to "
          + "the URL of a HikariCP or pgjdbc `pgjcache.datasource`. Credentials as for `pgjcache.jdbc.url`."),
  NEAR_CACHE_ENABLED("pgjcache.near-cache.enabled", Scope.MANAGER, "true",
      "Keep an in-process copy of hot entries in every cache, invalidated cluster-wide through LISTEN/NOTIFY."),
  NEAR_CACHE_MAX_ENTRIES("pgjcache.near-cache.max-entries", Scope.MANAGER, "10000",
      "Most entries one cache's near cache holds on this node."),
  SCHEMA("pgjcache.schema", Scope.MANAGER, "jcache", "Schema of the registry table and of every cache table."),
  POOL_SIZE("pgjcache.pool.size", Scope.MANAGER, "8",
      "Maximum connections of the provider's own HikariCP pool (ignored with `pgjcache.datasource`)."),
  CONNECTION_TIMEOUT("pgjcache.connection-timeout", Scope.MANAGER, "PT5S",
      "How long an operation waits for a connection (pool checkout and TCP connect) before it fails "
          + "with `CacheException`. ISO-8601 duration."),
  STATEMENT_TIMEOUT("pgjcache.statement-timeout", Scope.MANAGER, "PT10S",
      "Longest a single cache statement may run, server side, before it is cancelled. ISO-8601 duration. `PT0S` "
          + "sets none: needed behind PgBouncer, which refuses the startup parameter that carries it (set "
          + "`statement_timeout` on the database role instead)."),
  SWEEP_INTERVAL("pgjcache.sweep.interval", Scope.MANAGER, "PT1S",
      "How often the background sweeper deletes expired rows. ISO-8601 duration; `PT0S` turns it off."),
  SWEEP_BATCH_SIZE("pgjcache.sweep.batch-size", Scope.MANAGER, "1000",
      "Most rows one sweep transaction deletes; sweeps of several nodes skip each other's locked rows."),
  SERIAL_FILTER("pgjcache.serial-filter", Scope.MANAGER, DefaultFilter.PATTERN,
      "`java.io.ObjectInputFilter` pattern applied to every Java-deserialized key and value "
          + "(in addition to any JVM-wide filter)."),

  CACHE_UNLOGGED("unlogged", Scope.CACHE, "true",
      "Per cache: keep entries in an UNLOGGED table (fast, emptied after a crash, not replicated). "
          + "`false` makes a logged table."),
  CACHE_NEAR_CACHE("near-cache", Scope.CACHE, null,
      "Per cache: `true` or `false` overrides `pgjcache.near-cache.enabled` for this cache."),
  CACHE_NEAR_CACHE_MAX_ENTRIES("near-cache-max-entries", Scope.CACHE, null,
      "Per cache: overrides `pgjcache.near-cache.max-entries` for this cache."),
  CACHE_CLUSTER_EVENTS("cluster-events", Scope.CACHE, "false",
      "Per cache: entry listeners on every node hear changes made on any node (events travel as NOTIFY "
          + "in the writer's transaction). Every write then reads before it writes. Set it on every node."),
  CACHE_EXPIRY_AFTER_WRITE("expiry-after-write", Scope.CACHE, null,
      "Per cache: time to live after each create or update (ISO-8601 duration), overriding the cache's "
          + "expiry policy with a `ModifiedExpiryPolicy`. Ignored, with a warning, for Hibernate's "
          + "`default-update-timestamps-region`, which must never expire.");

  /** Prefix of every setting and of the per-cache namespace. */
  public static final String PREFIX = "pgjcache.";
  /** Per-cache settings are written {@code pgjcache.cache.<cache name>.<setting>}. */
  public static final String CACHE_PREFIX = "pgjcache.cache.";

  /** Whether a setting applies to a whole manager or to one cache. */
  public enum Scope { MANAGER, CACHE }

  private final String key;
  private final Scope scope;
  private final String defaultValue;
  private final String description;

  Setting(String key, Scope scope, String defaultValue, String description) {
    this.key = key;
    this.scope = scope;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The property name, or for a per-cache setting the suffix after {@code pgjcache.cache.<name>.}. */
  public String key() {
    return key;
  }

  public Scope scope() {
    return scope;
  }

  /** The default as text, or empty where there is none. */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  public String description() {
    return description;
  }

  /** Whether the value is a secret that must never be logged or put in a message. */
  public boolean isSecret() {
    return this == JDBC_PASSWORD;
  }

  /** The environment variable that may supply a manager setting: {@code pgjcache.jdbc.url} → {@code PGJCACHE_JDBC_URL}. */
  public String environmentVariable() {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The manager setting with this property name. */
  public static Optional<Setting> forKey(String key) {
    return Arrays.stream(values()).filter(s -> s.scope == Scope.MANAGER && s.key.equals(key)).findFirst();
  }

  /** The per-cache setting with this suffix. */
  public static Optional<Setting> forCacheKey(String suffix) {
    return Arrays.stream(values()).filter(s -> s.scope == Scope.CACHE && s.key.equals(suffix)).findFirst();
  }

  /** Holds the default deserialization filter so that the enum constant above can name it. */
  private static final class DefaultFilter {
    // Limits bound the work a hostile byte stream can cause; the denied packages hold the well-known
    // deserialization gadget chains. Applications narrow this further with an allow-list of their own.
    static final String PATTERN = "maxdepth=64;maxrefs=100000;maxarray=10000000;maxbytes=67108864;"
        + "!org.apache.commons.collections.functors.*;!org.apache.commons.collections4.functors.*;"
        + "!org.codehaus.groovy.runtime.*;!com.sun.org.apache.xalan.internal.xsltc.trax.*;"
        + "!org.springframework.beans.factory.*;!com.mchange.v2.c3p0.*;!java.rmi.*;!sun.rmi.*;"
        + "!javax.management.*;!com.sun.rowset.*;!bsh.*;!org.mozilla.javascript.*";
  }
}
