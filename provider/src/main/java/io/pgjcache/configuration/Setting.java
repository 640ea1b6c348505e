package io.pgjcache.configuration;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Every setting the provider understands: the single source of their names, defaults and meaning.
 *
 * <p>Manager settings are read from the {@code Properties} given to
 * {@link javax.cache.spi.CachingProvider#getCacheManager(java.net.URI, ClassLoader, java.util.Properties)},
 * then from a {@code .properties} file named by the manager's URI, then from environment variables
 * ({@code pgjcache.jdbc.url} becomes {@code PGJCACHE_JDBC_URL}); the first source that has a value wins.
 * Per-cache settings are written {@code pgjcache.cache.<cache name>.<setting>} and apply to the cache of that
 * name whenever this manager creates or opens it.
 *
 * <p>Each setting also knows its type and reads itself: {@link #getInt(Properties)}, {@link #getBoolean(Properties)},
 * {@link #getDuration(Properties)} and {@link #get(Properties)} return the given value or the default, and fail
 * with the property name and the bad value when the text does not parse. Nothing else parses setting values.
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
  VERBATIM_SHORT_KEYS("pgjcache.verbatim-short-keys", Scope.MANAGER, "true",
      "Caches this node registers keep keys that encode to fewer than 32 bytes as their own primary keys, so that "
          + "keys sharing a prefix are neighbours in the index; longer keys are keyed by their SHA-256. Plain writes "
          + "to such caches take no advisory lock of their keys. `false` registers new caches as earlier versions "
          + "did, keyed by SHA-256 alone and locking every written key: set it on upgraded nodes while nodes of such "
          + "a version still run (they cannot find rows keyed otherwise). A registered cache keeps its form."),
  POOL_SIZE("pgjcache.pool.size", Scope.MANAGER, "8",
      "Maximum connections of the provider's own HikariCP pool (ignored with `pgjcache.datasource`)."),
  CONNECTION_TIMEOUT("pgjcache.connection-timeout", Scope.MANAGER, "PT5S",
      "How long an operation waits for a connection (pool checkout and TCP connect) before it fails "
          + "with `CacheException`. ISO-8601 duration."),
  STATEMENT_TIMEOUT("pgjcache.statement-timeout", Scope.MANAGER, "PT10S",
      "Longest a single cache statement may run, server side, before it is cancelled. ISO-8601 duration. `PT0S` "
          + "sets none: needed behind PgBouncer, which refuses the startup parameter that carries it (set "
          + "`statement_timeout` on the database role instead). A URL that sets `options` itself keeps them, and "
          + "the timeout is then set with `SET` on each new connection."),
  SWEEP_INTERVAL("pgjcache.sweep.interval", Scope.MANAGER, "PT1S",
      "How often the background sweeper deletes expired rows. ISO-8601 duration; `PT0S` turns it off."),
  SWEEP_BATCH_SIZE("pgjcache.sweep.batch-size", Scope.MANAGER, "1000",
      "Most rows one sweep transaction deletes; sweeps of several nodes skip each other's locked rows."),
  SERIAL_FILTER("pgjcache.serial-filter", Scope.MANAGER, "maxdepth=64;maxrefs=100000;maxarray=10000000",
      "`java.io.ObjectInputFilter` pattern consulted first for every Java-deserialized key and value: a class it "
          + "allows is read, one it rejects (`!`) is refused, and any other only if it is on the built-in "
          + "allow-list (JDK value types and collections, the cache's declared key and value types and their "
          + "packages, Hibernate's and Spring's cache entries). Add your classes (`com.example.Order;com.example.**`); "
          + "end with `!*` to replace the allow-list. Keep the limits. A JVM-wide filter may refuse more."),
  MAX_KEY_SIZE("pgjcache.max-key-size", Scope.MANAGER, "65536",
      "Most bytes an encoded key may take; a larger key fails with `CacheException` before anything is sent."),
  MAX_VALUE_SIZE("pgjcache.max-value-size", Scope.MANAGER, "67108864",
      "Most bytes an encoded value may take (64 MiB); a larger value fails with `CacheException` before anything "
          + "is sent. PostgreSQL itself stores at most 1 GB in a field."),
  SIGNING_KEY("pgjcache.signing-key", Scope.MANAGER, null,
      "A secret of at least 32 bytes that every node shares (e.g. `openssl rand -base64 32`): each stored key and "
          + "value, and each cluster event, carries an HMAC-SHA256 made with it, and one without a valid HMAC is "
          + "refused with `CacheException` before it is decoded. Unset: nothing is signed. Never logged."),
  PREVIOUS_SIGNING_KEY("pgjcache.previous-signing-key", Scope.MANAGER, null,
      "During a key rotation, the former `pgjcache.signing-key`: still accepted when verifying, never used to sign. "
          + "Never logged."),
  CODEC("pgjcache.codec", Scope.MANAGER, "java",
      "How keys and values are stored, for every cache that does not choose its own: `java` (compact forms for "
          + "strings and numbers, Java serialization for the rest), `json` (values as `jsonb` documents, readable in "
          + "SQL; needs Jackson: `com.fasterxml.jackson.core:jackson-databind` 2.x or `tools.jackson.core:jackson-databind` "
          + "3.x) or `kryo` (compact binary, no `Serializable` "
          + "needed; needs `com.esotericsoftware:kryo`). Recorded with each cache: every node must use the same one."),
  JSON_MAPPER("pgjcache.json-mapper", Scope.MANAGER, null,
      "A live Jackson `ObjectMapper`, Jackson 2's or 3's (Properties only), for the `json` codec, e.g. the "
          + "application's; by default one of the codec's own (Jackson 2 if it is on the class path, else Jackson 3)."),

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
  CACHE_CODEC("codec", Scope.CACHE, null,
      "Per cache: `java`, `json` or `kryo`, overriding `pgjcache.codec` for this cache."),
  CACHE_EXPIRY_AFTER_WRITE("expiry-after-write", Scope.CACHE, null,
      "Per cache: time to live after each create or update (ISO-8601 duration), overriding the cache's "
          + "expiry policy with a `ModifiedExpiryPolicy`. Ignored, with a warning, for Hibernate's "
          + "`default-update-timestamps-region`, which must never expire.");

  /** Prefix of every setting and of the per-cache namespace. */
  public static final String PREFIX = "pgjcache.";
  /** Per-cache settings are written {@code pgjcache.cache.<cache name>.<setting>}. */
  public static final String CACHE_PREFIX = "pgjcache.cache.";

  /** The names {@link #CODEC} and {@link #CACHE_CODEC} accept. */
  public static final List<String> CODECS = List.of("java", "json", "kryo");

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

  /** What a value may be; the parse methods enforce it. */
  private enum Type {
    TEXT, BOOLEAN, POSITIVE_INT,
    /** A duration of zero or more: zero turns the feature off. */
    DURATION,
    POSITIVE_DURATION,
    /** A live object, given only through {@code Properties}. */
    OBJECT,
    /** One of {@link #CODECS}. */
    CODEC_NAME
  }

  // A switch rather than a constructor argument, so that a new setting is plain text unless it says otherwise.
  private Type type() {
    return switch (this) {
      case NEAR_CACHE_ENABLED, VERBATIM_SHORT_KEYS, CACHE_UNLOGGED, CACHE_NEAR_CACHE, CACHE_CLUSTER_EVENTS ->
          Type.BOOLEAN;
      case NEAR_CACHE_MAX_ENTRIES, POOL_SIZE, SWEEP_BATCH_SIZE, MAX_KEY_SIZE, MAX_VALUE_SIZE,
          CACHE_NEAR_CACHE_MAX_ENTRIES ->
          Type.POSITIVE_INT;
      case STATEMENT_TIMEOUT, SWEEP_INTERVAL -> Type.DURATION;
      case CONNECTION_TIMEOUT, CACHE_EXPIRY_AFTER_WRITE -> Type.POSITIVE_DURATION;
      case DATASOURCE, JSON_MAPPER -> Type.OBJECT;
      case CODEC, CACHE_CODEC -> Type.CODEC_NAME;
      default -> Type.TEXT;
    };
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

  /**
   * The full property name: {@link #key()} for a manager setting, {@code pgjcache.cache.<cacheName>.<key>} for a
   * per-cache setting.
   */
  public String propertyName(String cacheName) {
    return scope == Scope.CACHE ? CACHE_PREFIX + cacheName + "." + key : key;
  }

  /**
   * The text of this manager setting in {@code properties} (trimmed, whatever its type there), or the default when
   * it is absent or empty; null when there is neither.
   */
  public String get(Properties properties) {
    Object value = properties.get(key);
    String text = value == null ? "" : String.valueOf(value).trim();
    return text.isEmpty() ? defaultValue : text;
  }

  /** This boolean manager setting from {@code properties}, or its default. */
  public boolean getBoolean(Properties properties) {
    return parseBoolean(get(properties));
  }

  /** This integer manager setting from {@code properties}, or its default. */
  public int getInt(Properties properties) {
    return parseInt(get(properties));
  }

  /** This duration manager setting from {@code properties}, or its default. */
  public Duration getDuration(Properties properties) {
    return parseDuration(get(properties));
  }

  /** Parses a value of this boolean setting ({@code true} or {@code false}, any case); errors name {@link #key()}. */
  public boolean parseBoolean(String text) {
    requireType(Type.BOOLEAN);
    return (Boolean) parse(key, text);
  }

  /** Parses a value of this integer setting; errors name {@link #key()}. */
  public int parseInt(String text) {
    requireType(Type.POSITIVE_INT);
    return (Integer) parse(key, text);
  }

  /**
   * Parses a value of this duration setting: ISO-8601 ({@code PT5S}) or a whole number of milliseconds; errors
   * name {@link #key()}.
   */
  public Duration parseDuration(String text) {
    requireType(Type.DURATION, Type.POSITIVE_DURATION);
    return (Duration) parse(key, text);
  }

  /**
   * Fails with {@code propertyName} and the value named when {@code text} is not a value of this setting: used to
   * check every given value once, per-cache settings under their full name.
   */
  public void validate(String propertyName, String text) {
    parse(propertyName, text);
  }

  private void requireType(Type... accepted) {
    if (!Arrays.asList(accepted).contains(type())) {
      throw new IllegalStateException(key + " is a " + type() + " setting, not " + accepted[0]);
    }
  }

  private Object parse(String propertyName, String text) {
    if (text == null) {
      throw new IllegalArgumentException(propertyName + " has no value and no default");
    }
    return switch (type()) {
      case BOOLEAN -> toBoolean(propertyName, text);
      case POSITIVE_INT -> toPositiveInt(propertyName, text);
      case DURATION -> toDuration(propertyName, text, true);
      case POSITIVE_DURATION -> toDuration(propertyName, text, false);
      case TEXT, OBJECT -> text;
      case CODEC_NAME -> toCodecName(propertyName, text);
    };
  }

  /** Parses a value of a codec setting; errors name {@link #key()}. */
  public String parseCodec(String text) {
    requireType(Type.CODEC_NAME);
    return (String) parse(key, text);
  }

  private static String toCodecName(String propertyName, String text) {
    String name = text.toLowerCase(Locale.ROOT);
    if (!CODECS.contains(name)) {
      throw new IllegalArgumentException(propertyName + " must be one of " + String.join(", ", CODECS) + ", got '"
          + text + "'");
    }
    return name;
  }

  private static boolean toBoolean(String propertyName, String text) {
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(propertyName + " must be true or false, got '" + text + "'");
  }

  private static int toPositiveInt(String propertyName, String text) {
    try {
      int value = Integer.parseInt(text);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(propertyName + " must be a positive integer, got '" + text + "'");
  }

  private static Duration toDuration(String propertyName, String text, boolean zeroAllowed) {
    Duration value;
    try {
      boolean millis = !text.isEmpty() && text.chars().allMatch(Character::isDigit);
      value = millis ? Duration.ofMillis(Long.parseLong(text)) : Duration.parse(text);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(propertyName
          + " must be an ISO-8601 duration such as PT5S, or milliseconds, got '" + text + "'", e);
    }
    if (value.isNegative() || (!zeroAllowed && value.isZero())) {
      throw new IllegalArgumentException(propertyName + " must be a " + (zeroAllowed ? "non-negative" : "positive")
          + " duration, got " + value);
    }
    return value;
  }

  /** Whether the value is a secret that must never be logged or put in a message. */
  public boolean isSecret() {
    return this == JDBC_PASSWORD || this == SIGNING_KEY || this == PREVIOUS_SIGNING_KEY;
  }

  /** Whether an environment variable may supply this setting: a manager setting that is not a live object. */
  public boolean fromEnvironment() {
    return scope == Scope.MANAGER && type() != Type.OBJECT;
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

}
