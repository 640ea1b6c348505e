package io.pgjcache.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.PgCacheManager;
import io.pgjcache.PgCachingProvider;
import java.net.URI;
import java.sql.SQLException;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The database pgjcache resolves on its own ({@code PGJCACHE_JDBC_URL}, or the embedded PostgreSQL it starts once
 * per JVM), for benchmarks whose application keeps its data in the caches' database: the connection settings of
 * pgjcache's pool, for a pool of the application's own.
 */
public final class ResolvedDatabase {
  private ResolvedDatabase() {
  }

  /** A pool configuration on that database (URL, user, password); the caller sizes and names it. */
  public static HikariConfig applicationPool() {
    CacheManager probe = Caching.getCachingProvider(PgCachingProvider.class.getName())
        .getCacheManager(URI.create("pgjcache:benchmark-database-probe"), ResolvedDatabase.class.getClassLoader());
    HikariConfig config = new HikariConfig();
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
    return config;
  }
}
