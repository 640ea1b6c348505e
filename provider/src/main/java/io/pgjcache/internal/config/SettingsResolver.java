package io.pgjcache.internal.config;

import io.pgjcache.Setting;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import javax.cache.CacheException;
import javax.sql.DataSource;

/**
 * Turns the three sources of manager settings into one {@link ManagerSettings}: explicit
 * {@code Properties} win over a {@code .properties} file named by the manager URI, which wins over
 * environment variables. Unknown {@code pgjcache.*} keys fail with the key named.
 */
public final class SettingsResolver {
  private final Map<String, String> environment;

  public SettingsResolver(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Whether a manager URI names a configuration file rather than being just a name. */
  public static boolean isConfigFile(URI uri) {
    String scheme = uri.getScheme();
    if (scheme == null) {
      return false;
    }
    String lower = scheme.toLowerCase(Locale.ROOT);
    boolean known = lower.equals("classpath") || lower.equals("file") || lower.equals("jar");
    String text = uri.toString();
    return known && text.toLowerCase(Locale.ROOT).endsWith(".properties");
  }

  public ManagerSettings resolve(URI uri, ClassLoader classLoader, Properties explicit) {
    Map<Setting, Object> values = new EnumMap<>(Setting.class);
    Map<String, Map<Setting, String>> perCache = new HashMap<>();

    for (Setting setting : Setting.values()) {
      if (setting.scope() == Setting.Scope.MANAGER && setting != Setting.DATASOURCE) {
        String fromEnv = environment.get(setting.environmentVariable());
        if (fromEnv != null) {
          values.put(setting, fromEnv);
        }
      }
    }
    if (isConfigFile(uri)) {
      Properties file = load(uri, classLoader);
      for (String key : file.stringPropertyNames()) {
        accept(key, file.getProperty(key), "file " + uri, values, perCache);
      }
    }
    for (Object rawKey : explicit.keySet()) {
      if (rawKey instanceof String key && key.startsWith(Setting.PREFIX)) {
        accept(key, explicit.get(key), "properties", values, perCache);
      }
    }
    return build(values, perCache);
  }

  private static void accept(String key, Object value, String source, Map<Setting, Object> values,
      Map<String, Map<Setting, String>> perCache) {
    if (key.startsWith(Setting.CACHE_PREFIX)) {
      String rest = key.substring(Setting.CACHE_PREFIX.length());
      int dot = rest.lastIndexOf('.');
      Setting setting = dot <= 0 ? null : Setting.forCacheKey(rest.substring(dot + 1)).orElse(null);
      if (setting == null) {
        throw new IllegalArgumentException("Unknown pgjcache per-cache setting '" + key + "' in " + source
            + "; expected pgjcache.cache.<cache name>.<setting> with a setting among " + cacheSettingNames());
      }
      perCache.computeIfAbsent(rest.substring(0, dot), name -> new EnumMap<>(Setting.class))
          .put(setting, String.valueOf(value).trim());
      return;
    }
    Setting setting = Setting.forKey(key).orElseThrow(() -> new IllegalArgumentException(
        "Unknown pgjcache setting '" + key + "' in " + source + "; known settings: " + managerSettingNames()));
    if (setting == Setting.DATASOURCE) {
      if (!(value instanceof DataSource)) {
        throw new IllegalArgumentException(key + " must hold a javax.sql.DataSource object, got "
            + (value == null ? "null" : value.getClass().getName()));
      }
      values.put(setting, value);
    } else {
      values.put(setting, String.valueOf(value).trim());
    }
  }

  private static ManagerSettings build(Map<Setting, Object> values, Map<String, Map<Setting, String>> perCache) {
    for (Map.Entry<String, Map<Setting, String>> cache : perCache.entrySet()) {
      cache.getValue().forEach((setting, value) -> CacheSettings.validate(cache.getKey(), setting, value));
    }
    return new ManagerSettings(
        jdbcUrl(values),
        text(values, Setting.JDBC_USER),
        text(values, Setting.JDBC_PASSWORD),
        (DataSource) values.get(Setting.DATASOURCE),
        identifier(values),
        positiveInt(values, Setting.POOL_SIZE),
        duration(values, Setting.CONNECTION_TIMEOUT, false),
        duration(values, Setting.STATEMENT_TIMEOUT, true),
        duration(values, Setting.SWEEP_INTERVAL, true),
        positiveInt(values, Setting.SWEEP_BATCH_SIZE),
        text(values, Setting.SERIAL_FILTER),
        positiveInt(values, Setting.MAX_KEY_SIZE),
        positiveInt(values, Setting.MAX_VALUE_SIZE),
        listenUrl(values),
        bool(values, Setting.NEAR_CACHE_ENABLED),
        positiveInt(values, Setting.NEAR_CACHE_MAX_ENTRIES),
        perCache);
  }

  private static String text(Map<Setting, Object> values, Setting setting) {
    Object value = values.get(setting);
    if (value == null) {
      return setting.defaultValue().orElse(null);
    }
    String text = value.toString();
    return text.isEmpty() ? setting.defaultValue().orElse(null) : text;
  }

  private static String jdbcUrl(Map<Setting, Object> values) {
    return url(values, Setting.JDBC_URL);
  }

  private static String listenUrl(Map<Setting, Object> values) {
    return url(values, Setting.LISTEN_URL);
  }

  private static String url(Map<Setting, Object> values, Setting setting) {
    String url = text(values, setting);
    if (Secrets.hasUserInfo(url)) {
      // pgjdbc would take "user:password@host" for a host name, and print it in its error message.
      throw new IllegalArgumentException(setting.key() + " cannot name a user before the host, got '"
          + Secrets.maskUrl(url) + "'; use ?user=...&password=... or " + Setting.JDBC_USER.key() + " and "
          + Setting.JDBC_PASSWORD.key());
    }
    return url;
  }

  private static boolean bool(Map<Setting, Object> values, Setting setting) {
    return CacheSettings.parseBoolean(setting.key(), text(values, setting));
  }

  private static String identifier(Map<Setting, Object> values) {
    String schema = text(values, Setting.SCHEMA);
    if (schema.isBlank() || schema.length() > 63 || schema.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(Setting.SCHEMA.key()
          + " must be a PostgreSQL identifier of 1 to 63 characters, got '" + schema + "'");
    }
    return schema;
  }

  private static int positiveInt(Map<Setting, Object> values, Setting setting) {
    String text = text(values, setting);
    try {
      int value = Integer.parseInt(text);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(setting.key() + " must be a positive integer, got '" + text + "'");
  }

  private static Duration duration(Map<Setting, Object> values, Setting setting, boolean zeroAllowed) {
    Duration value = parseDuration(setting.key(), text(values, setting));
    if (value.isNegative() || (!zeroAllowed && value.isZero())) {
      throw new IllegalArgumentException(setting.key() + " must be a positive duration, got " + value);
    }
    return value;
  }

  /** Parses an ISO-8601 duration ({@code PT5S}) or a plain number of milliseconds. */
  static Duration parseDuration(String key, String text) {
    try {
      if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
        return Duration.ofMillis(Long.parseLong(text));
      }
      return Duration.parse(text);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as PT5S, or milliseconds, got '"
          + text + "'", e);
    }
  }

  private static Properties load(URI uri, ClassLoader classLoader) {
    Properties properties = new Properties();
    try (InputStream in = open(uri, classLoader)) {
      properties.load(in);
    } catch (IOException e) {
      throw new CacheException("Cannot read pgjcache configuration file " + uri + ": " + e.getMessage(), e);
    }
    return properties;
  }

  private static InputStream open(URI uri, ClassLoader classLoader) throws IOException {
    if (uri.getScheme().equalsIgnoreCase("classpath")) {
      String path = uri.getSchemeSpecificPart();
      while (path.startsWith("/")) {
        path = path.substring(1);
      }
      InputStream in = Objects.requireNonNull(classLoader, "classLoader").getResourceAsStream(path);
      if (in == null) {
        throw new IOException("no resource '" + path + "' on the class path");
      }
      return in;
    }
    return uri.toURL().openStream();
  }

  private static String managerSettingNames() {
    StringBuilder names = new StringBuilder();
    for (Setting s : Setting.values()) {
      if (s.scope() == Setting.Scope.MANAGER) {
        names.append(names.length() == 0 ? "" : ", ").append(s.key());
      }
    }
    return names.toString();
  }

  private static String cacheSettingNames() {
    StringBuilder names = new StringBuilder();
    for (Setting s : Setting.values()) {
      if (s.scope() == Setting.Scope.CACHE) {
        names.append(names.length() == 0 ? "" : ", ").append(s.key());
      }
    }
    return names.toString();
  }
}
