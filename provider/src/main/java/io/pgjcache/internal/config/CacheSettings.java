package io.pgjcache.internal.config;

import io.pgjcache.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parsing and validation of the per-cache settings ({@code pgjcache.cache.<name>.<setting>}). */
public final class CacheSettings {
  private static final List<String> HIBERNATE_UPDATE_TIMESTAMPS_REGIONS = List.of(
      "default-update-timestamps-region",
      "org.hibernate.cache.spi.UpdateTimestampsCache",
      "org.hibernate.cache.spi.TimestampsRegion");

  private CacheSettings() {
  }

  /** Fails with the cache and setting named when a value cannot be used. */
  static void validate(String cacheName, Setting setting, String value) {
    String key = Setting.CACHE_PREFIX + cacheName + "." + setting.key();
    switch (setting) {
      case CACHE_UNLOGGED, CACHE_NEAR_CACHE, CACHE_CLUSTER_EVENTS -> parseBoolean(key, value);
      case CACHE_NEAR_CACHE_MAX_ENTRIES -> parsePositiveInt(key, value);
      case CACHE_EXPIRY_AFTER_WRITE -> {
        Duration ttl = SettingsResolver.parseDuration(key, value);
        if (ttl.isNegative() || ttl.isZero()) {
          throw new IllegalArgumentException(key + " must be a positive duration, got " + ttl);
        }
      }
      default -> throw new IllegalArgumentException(key + " is not a per-cache setting");
    }
  }

  public static Optional<Boolean> unlogged(Map<Setting, String> settings) {
    return Optional.ofNullable(settings.get(Setting.CACHE_UNLOGGED))
        .map(v -> parseBoolean(Setting.CACHE_UNLOGGED.key(), v));
  }

  public static Optional<Boolean> nearCache(Map<Setting, String> settings) {
    return Optional.ofNullable(settings.get(Setting.CACHE_NEAR_CACHE))
        .map(v -> parseBoolean(Setting.CACHE_NEAR_CACHE.key(), v));
  }

  public static Optional<Boolean> clusterEvents(Map<Setting, String> settings) {
    return Optional.ofNullable(settings.get(Setting.CACHE_CLUSTER_EVENTS))
        .map(v -> parseBoolean(Setting.CACHE_CLUSTER_EVENTS.key(), v));
  }

  public static Optional<Integer> nearCacheMaxEntries(Map<Setting, String> settings) {
    return Optional.ofNullable(settings.get(Setting.CACHE_NEAR_CACHE_MAX_ENTRIES))
        .map(v -> parsePositiveInt(Setting.CACHE_NEAR_CACHE_MAX_ENTRIES.key(), v));
  }

  public static Optional<Duration> expiryAfterWrite(Map<Setting, String> settings) {
    return Optional.ofNullable(settings.get(Setting.CACHE_EXPIRY_AFTER_WRITE))
        .map(v -> SettingsResolver.parseDuration(Setting.CACHE_EXPIRY_AFTER_WRITE.key(), v));
  }

  /**
   * Whether a cache is Hibernate's update-timestamps region (by its default or a legacy name, with or without
   * Hibernate's region prefix), which must keep every entry: Hibernate reads a missing timestamp as "this table
   * never changed" and would then serve query results cached before the change.
   */
  public static boolean mustNeverExpire(String cacheName) {
    return HIBERNATE_UPDATE_TIMESTAMPS_REGIONS.stream()
        .anyMatch(region -> cacheName.equals(region) || cacheName.endsWith("." + region));
  }


  private static int parsePositiveInt(String key, String value) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(key + " must be a positive integer, got '" + value + "'");
  }

  static boolean parseBoolean(String key, String value) {
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
  }
}
