package io.pgjcache.examples.hibernate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.PgCacheManager;
import io.pgjcache.PgCachingProvider;
import java.net.URI;
import java.sql.SQLException;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The database that holds the application's entities, which is also the one pgjcache keeps its caches
 * in. A real application knows its JDBC URL; this example uses whatever server pgjcache resolves on its
 * own — the one {@code PGJCACHE_JDBC_URL} names, or else the embedded PostgreSQL the provider starts
 * once per JVM — so that entities and caches share one PostgreSQL without any setup.
 */
public final class ApplicationDatabase {
  private static final URI PROBE = URI.create("pgjcache:application-database-probe");

  private ApplicationDatabase() {
  }

  /** A connection pool of the application's own (never the cache's pool: a cache miss needs a second connection). */
  public static HikariDataSource pool(String poolName, int size) {
    HikariConfig config = new HikariConfig();
    CacheManager probe = Caching.getCachingProvider(PgCachingProvider.class.getName())
        .getCacheManager(PROBE, ApplicationDatabase.class.getClassLoader());
    try {
      HikariDataSource cachePool = probe.unwrap(PgCacheManager.class).getDataSource().unwrap(HikariDataSource.class);
      config.setJdbcUrl(cachePool.getJdbcUrl());
      config.setUsername(cachePool.getUsername());
      config.setPassword(cachePool.getPassword());
    } catch (SQLException e) {
      throw new IllegalStateException("pgjcache's pool is not a HikariCP pool", e);
    } finally {
      probe.close();
    }
    config.setPoolName(poolName);
    config.setMaximumPoolSize(size);
    return new HikariDataSource(config);
  }
}
