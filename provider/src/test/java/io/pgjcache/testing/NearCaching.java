package io.pgjcache.testing;

import static org.awaitility.Awaitility.await;

import io.pgjcache.PgCache;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import javax.cache.Cache;
import javax.sql.DataSource;

/**
 * Waits until nodes answer keys from their near caches. A node that reads a key right after another node
 * changed it may install the new value and then drop it again when that change's notification arrives (as it
 * must: the notification could be for a later change); only a read after the notification stays.
 */
public final class NearCaching {
  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final Duration HIT_WITHIN = Duration.ofMillis(250);

  private NearCaching() {
  }

  /** Reads the keys on every cache (all of one cache table) until every read is answered from memory. */
  public static <K> void awaitNearCached(DataSource dataSource, List<? extends Cache<K, ?>> caches,
      Collection<K> keys) {
    String table = caches.get(0).unwrap(PgCache.class).getTableName();
    await("keys near-cached on every node").atMost(WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> {
      for (Cache<K, ?> cache : caches) {
        keys.forEach(cache::get);
      }
      try (TableLock lock = TableLock.on(dataSource, table)) {
        for (Cache<K, ?> cache : caches) {
          for (K key : keys) {
            if (!lock.completesWithin(HIT_WITHIN, () -> cache.get(key))) {
              return false;
            }
          }
        }
        return true;
      }
    });
  }

  public static <K> void awaitNearCached(DataSource dataSource, Cache<K, ?> cache, K key) {
    awaitNearCached(dataSource, List.of(cache), List.of(key));
  }
}
