package io.pgjcache.internal.config;

import io.pgjcache.configuration.Setting;
import io.pgjcache.internal.codec.Signer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;
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
    // One Properties under the settings' own names, later sources overwriting earlier ones; the enum reads it.
    Properties merged = new Properties();
    Map<String, Map<Setting, String>> perCache = new HashMap<>();

    for (Setting setting : Setting.values()) {
      if (setting.fromEnvironment()) {
        String fromEnv = environment.get(setting.environmentVariable());
        if (fromEnv != null) {
          merged.setProperty(setting.key(), fromEnv);
        }
      }
    }
    if (isConfigFile(uri)) {
      Properties file = load(uri, classLoader);
      for (String key : file.stringPropertyNames()) {
        accept(key, file.getProperty(key), "file " + uri, merged, perCache);
      }
    }
    for (Object rawKey : explicit.keySet()) {
      if (rawKey instanceof String key && key.startsWith(Setting.PREFIX)) {
        accept(key, explicit.get(key), "properties", merged, perCache);
      }
    }
    return build(merged, perCache);
  }

  private static void accept(String key, Object value, String source, Properties merged,
      Map<String, Map<Setting, String>> perCache) {
    if (key.startsWith(Setting.CACHE_PREFIX)) {
      String rest = key.substring(Setting.CACHE_PREFIX.length());
      int dot = rest.lastIndexOf('.');
      Setting setting = dot <= 0 ? null : Setting.forCacheKey(rest.substring(dot + 1)).orElse(null);
      if (setting == null) {
        throw new IllegalArgumentException("Unknown pgjcache per-cache setting '" + key + "' in " + source
            + "; expected pgjcache.cache.<cache name>.<setting> with a setting among "
            + settingNames(Setting.Scope.CACHE));
      }
      perCache.computeIfAbsent(rest.substring(0, dot), name -> new EnumMap<>(Setting.class))
          .put(setting, String.valueOf(value).trim());
      return;
    }
    Setting setting = Setting.forKey(key).orElseThrow(() -> new IllegalArgumentException("Unknown pgjcache setting '"
        + key + "' in " + source + "; known settings: " + settingNames(Setting.Scope.MANAGER)));
    if (setting == Setting.DATASOURCE && !(value instanceof DataSource)) {
      throw new IllegalArgumentException(key + " must hold a javax.sql.DataSource object, got "
          + (value == null ? "null" : value.getClass().getName()));
    }
    merged.put(key, value);
  }

  private static ManagerSettings build(Properties merged, Map<String, Map<Setting, String>> perCache) {
    perCache.forEach((cacheName, given) ->
        given.forEach((setting, text) -> setting.validate(setting.propertyName(cacheName), text)));
    return new ManagerSettings(
        url(merged, Setting.JDBC_URL),
        Setting.JDBC_USER.get(merged),
        Setting.JDBC_PASSWORD.get(merged),
        (DataSource) merged.get(Setting.DATASOURCE.key()),
        schema(merged),
        Setting.VERBATIM_SHORT_KEYS.getBoolean(merged),
        Setting.POOL_SIZE.getInt(merged),
        Setting.CONNECTION_TIMEOUT.getDuration(merged),
        Setting.STATEMENT_TIMEOUT.getDuration(merged),
        Setting.SWEEP_INTERVAL.getDuration(merged),
        Setting.SWEEP_BATCH_SIZE.getInt(merged),
        Setting.SERIAL_FILTER.get(merged),
        Setting.MAX_KEY_SIZE.getInt(merged),
        Setting.MAX_VALUE_SIZE.getInt(merged),
        Signer.of(Setting.SIGNING_KEY.get(merged), Setting.PREVIOUS_SIGNING_KEY.get(merged)),
        Setting.CODEC.parseCodec(Setting.CODEC.get(merged)),
        merged.get(Setting.JSON_MAPPER.key()),
        url(merged, Setting.LISTEN_URL),
        Setting.NEAR_CACHE_ENABLED.getBoolean(merged),
        Setting.NEAR_CACHE_MAX_ENTRIES.getInt(merged),
        perCache);
  }

  private static String url(Properties merged, Setting setting) {
    String url = setting.get(merged);
    if (Secrets.hasUserInfo(url)) {
      // pgjdbc would take "user:password@host" for a host name, and print it in its error message.
      throw new IllegalArgumentException(setting.key() + " cannot name a user before the host, got '"
          + Secrets.maskUrl(url) + "'; use ?user=...&password=... or " + Setting.JDBC_USER.key() + " and "
          + Setting.JDBC_PASSWORD.key());
    }
    return url;
  }

  private static String schema(Properties merged) {
    String schema = Setting.SCHEMA.get(merged);
    if (schema.isBlank() || schema.length() > 63 || schema.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(Setting.SCHEMA.key()
          + " must be a PostgreSQL identifier of 1 to 63 characters, got '" + schema + "'");
    }
    return schema;
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

  private static String settingNames(Setting.Scope scope) {
    return Arrays.stream(Setting.values()).filter(s -> s.scope() == scope).map(Setting::key)
        .collect(Collectors.joining(", "));
  }
}
