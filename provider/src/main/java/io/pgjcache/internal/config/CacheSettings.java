package io.pgjcache.internal.config;

import io.pgjcache.configuration.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed reading of the per-cache settings ({@code pgjcache.cache.<name>.<setting>}) given for one cache. */
public final class CacheSettings {
  private static final List<String> HIBERNATE_UPDATE_TIMESTAMPS_REGIONS = List.of(
      "default-update-timestamps-region",
      "org.hibernate.cache.spi.UpdateTimestampsCache",
      "org.hibernate.cache.spi.TimestampsRegion");

  private CacheSettings() {
  }

  public static Optional<Boolean> unlogged(Map<Setting, String> settings) {
    return given(settings, Setting.CACHE_UNLOGGED).map(Setting.CACHE_UNLOGGED::parseBoolean);
  }

  public static Optional<Boolean> nearCache(Map<Setting, String> settings) {
    return given(settings, Setting.CACHE_NEAR_CACHE).map(Setting.CACHE_NEAR_CACHE::parseBoolean);
  }

  public static Optional<Boolean> clusterEvents(Map<Setting, String> settings) {
    return given(settings, Setting.CACHE_CLUSTER_EVENTS).map(Setting.CACHE_CLUSTER_EVENTS::parseBoolean);
  }

  public static Optional<Integer> nearCacheMaxEntries(Map<Setting, String> settings) {
    return given(settings, Setting.CACHE_NEAR_CACHE_MAX_ENTRIES).map(Setting.CACHE_NEAR_CACHE_MAX_ENTRIES::parseInt);
  }

  public static Optional<String> codec(Map<Setting, String> settings) {
    return given(settings, Setting.CACHE_CODEC).map(Setting.CACHE_CODEC::parseCodec);
  }

  public static Optional<Duration> expiryAfterWrite(Map<Setting, String> settings) {
    return given(settings, Setting.CACHE_EXPIRY_AFTER_WRITE).map(Setting.CACHE_EXPIRY_AFTER_WRITE::parseDuration);
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

  // Values were validated under their full names when the settings were resolved; the defaults of per-cache
  // settings are the manager's, so an absent value stays absent.
  private static Optional<String> given(Map<Setting, String> settings, Setting setting) {
    return Optional.ofNullable(settings.get(setting));
  }
}
