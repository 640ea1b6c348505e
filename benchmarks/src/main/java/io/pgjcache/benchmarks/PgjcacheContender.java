package io.pgjcache.benchmarks;

import io.pgjcache.PgCache;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import javax.cache.Cache;

/** pgjcache as an application uses it: the JCache {@link Cache} API, with the cache's default configuration. */
final class PgjcacheContender implements Contender {
  private final Cache<String, String> cache;

  PgjcacheContender(Cache<String, String> cache) {
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  /** The quoted, schema-qualified table that holds the entries. */
  String tableName() {
    return cache.unwrap(PgCache.class).getTableName();
  }

  @Override
  public String name() {
    return "pgjcache";
  }

  @Override
  public String get(String key) {
    return cache.get(key);
  }

  @Override
  public void put(String key, String value) {
    cache.put(key, value);
  }

  @Override
  public Map<String, String> getAll(SortedSet<String> keys) {
    return cache.getAll(keys);
  }

  @Override
  public void putAll(SortedMap<String, String> entries) {
    cache.putAll(entries);
  }

  @Override
  public void close() {
    // The cache belongs to its manager, which the driver closes.
  }
}
