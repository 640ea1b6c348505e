package io.pgjcache.spring;

import io.pgjcache.PgCachingProvider;
import io.pgjcache.configuration.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Translates {@link PgJCacheProperties} into the {@code Properties} the provider reads, under the names of
 * {@link Setting}: the application's DataSource (unless a JDBC URL asks for a pool of the caches' own),
 * the manager settings, and {@code pgjcache.cache.<name>.<setting>} for every configured cache. Only what the
 * application set is handed over; for everything else the provider applies its own default.
 */
final class ProviderProperties {
  private ProviderProperties() {
  }

  /** Whether the caches get a pool of their own rather than the application's DataSource. */
  static boolean ownPool(PgJCacheProperties settings) {
    String url = settings.getJdbc().getUrl();
    return url != null && !url.isBlank();
  }

  static Properties of(PgJCacheProperties settings, DataSource applicationDataSource) {
    Properties properties = new Properties();
    PgJCacheProperties.Jdbc jdbc = settings.getJdbc();
    if (!ownPool(settings)) {
      properties.putAll(PgCachingProvider.dataSourceProperties(applicationDataSource));
    } else {
      put(properties, Setting.JDBC_URL, jdbc.getUrl());
      put(properties, Setting.JDBC_USER, jdbc.getUser());
      put(properties, Setting.JDBC_PASSWORD, jdbc.getPassword());
    }
    put(properties, Setting.SCHEMA, settings.getSchema());
    put(properties, Setting.VERBATIM_SHORT_KEYS, settings.getVerbatimShortKeys());
    put(properties, Setting.POOL_SIZE, settings.getPool().getSize());
    put(properties, Setting.CONNECTION_TIMEOUT, iso(settings.getConnectionTimeout()));
    put(properties, Setting.STATEMENT_TIMEOUT, iso(settings.getStatementTimeout()));
    put(properties, Setting.SWEEP_INTERVAL, iso(settings.getSweep().getInterval()));
    put(properties, Setting.SWEEP_BATCH_SIZE, settings.getSweep().getBatchSize());
    put(properties, Setting.SERIAL_FILTER, settings.getSerialFilter());
    put(properties, Setting.MAX_KEY_SIZE, settings.getMaxKeySize());
    put(properties, Setting.MAX_VALUE_SIZE, settings.getMaxValueSize());
    put(properties, Setting.SIGNING_KEY, settings.getSigningKey());
    put(properties, Setting.PREVIOUS_SIGNING_KEY, settings.getPreviousSigningKey());
    put(properties, Setting.CODEC, settings.getCodec());
    put(properties, Setting.LISTEN_URL, settings.getListen().getUrl());
    put(properties, Setting.NEAR_CACHE_ENABLED, settings.getNearCache().getEnabled());
    put(properties, Setting.NEAR_CACHE_MAX_ENTRIES, settings.getNearCache().getMaxEntries());
    settings.getCaches().forEach((name, cache) -> {
      putForCache(properties, name, Setting.CACHE_NEAR_CACHE, cache.getNearCache());
      putForCache(properties, name, Setting.CACHE_NEAR_CACHE_MAX_ENTRIES, cache.getNearCacheMaxEntries());
      putForCache(properties, name, Setting.CACHE_CLUSTER_EVENTS, cache.getClusterEvents());
      putForCache(properties, name, Setting.CACHE_EXPIRY_AFTER_WRITE, iso(cache.getExpiryAfterWrite()));
      putForCache(properties, name, Setting.CACHE_UNLOGGED, cache.getUnlogged());
      putForCache(properties, name, Setting.CACHE_CODEC, cache.getCodec());
    });
    return properties;
  }

  /**
   * Lets the application's own classes (the packages of its {@code @SpringBootApplication}) be deserialized:
   * Spring declares every cache {@code Object}, so the provider cannot know them otherwise. They are added after
   * {@code pgjcache.serial-filter}, whose own entries (a trailing {@code !*} included) therefore come first.
   */
  static void allowPackages(Properties properties, List<String> packages) {
    if (packages.isEmpty()) {
      return;
    }
    String filter = properties.getProperty(Setting.SERIAL_FILTER.key(),
        Setting.SERIAL_FILTER.defaultValue().orElseThrow());
    StringBuilder extended = new StringBuilder(filter);
    packages.forEach(name -> extended.append(';').append(name).append(".**"));
    properties.setProperty(Setting.SERIAL_FILTER.key(), extended.toString());
  }

  private static void put(Properties properties, Setting setting, Object value) {
    if (value != null) {
      properties.setProperty(setting.key(), value.toString());
    }
  }

  private static void putForCache(Properties properties, String cacheName, Setting setting, Object value) {
    Objects.requireNonNull(cacheName, "cacheName");
    if (value != null) {
      properties.setProperty(setting.propertyName(cacheName), value.toString());
    }
  }

  /** The provider reads ISO-8601 durations; Spring accepts {@code 10m} as well and hands us a Duration. */
  private static String iso(Duration duration) {
    return duration == null ? null : duration.toString();
  }
}
