package io.pgjcache.benchmarks;

import io.pgjcache.PgCache;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.cache.Cache;

/** pgjcache as an application uses it: the JCache {@link Cache} API, with the cache's default configuration. */
final class PgjcacheContender implements Contender {
  private static final int LOAD_BATCH = 500;

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
  public void load(Map<String, String> entries) {
    Map<String, String> batch = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      batch.put(entry.getKey(), entry.getValue());
      if (batch.size() == LOAD_BATCH) {
        cache.putAll(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      cache.putAll(batch);
    }
  }

  @Override
  public void close() {
    // The cache belongs to its manager, which the driver closes.
  }
}
