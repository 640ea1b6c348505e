package io.pgjcache.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import javax.cache.configuration.Configuration;
import org.springframework.cache.Cache;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.cache.jcache.JCacheCacheManager;

/**
 * Spring's {@link JCacheCacheManager} over a pgjcache manager, with two differences: every cache it serves
 * has JCache statistics enabled (so that Boot's cache metrics have numbers to report), and a cache that a
 * {@code @Cacheable} names but nobody created yet is created on first use, unless that is turned off
 * ({@code pgjcache.create-missing-caches=false}), in which case such a lookup fails as with plain JCache.
 *
 * <p>At start-up it serves every cache registered in the database's schema, including those that other
 * applications or Hibernate created. A cache created on first use gets the application's default JCache
 * configuration, when one is given, like the caches of {@code spring.cache.cache-names}.
 */
public class PgJCacheCacheManager extends JCacheCacheManager {
  private final boolean createMissingCaches;
  private final CacheOpener opener;
  /** The DataSource whose Spring-managed transactions cache changes join, or null (see {@link #joinTransactionsOn}). */
  private DataSource joinedDataSource;

  /** Creates missing caches, if asked to, from a plain configuration with statistics on. */
  public PgJCacheCacheManager(javax.cache.CacheManager cacheManager, boolean createMissingCaches) {
    this(cacheManager, createMissingCaches, null);
  }

  /**
   * Creates missing caches, if asked to, from {@code forNewCaches}, the application's default configuration
   * (null for a plain one).
   */
  public PgJCacheCacheManager(javax.cache.CacheManager cacheManager, boolean createMissingCaches,
      Configuration<?, ?> forNewCaches) {
    super(cacheManager);
    this.createMissingCaches = createMissingCaches;
    this.opener = new CacheOpener(forNewCaches);
  }

  /**
   * Makes cache changes made inside a Spring-managed transaction on {@code dataSource} (the one the caches live on)
   * run in that transaction, while the manager is transaction-aware (instead of waiting for the commit); set
   * before the caches are first used. {@code setTransactionAware(false)} still turns all transaction handling off.
   */
  public void joinTransactionsOn(DataSource dataSource) {
    this.joinedDataSource = dataSource;
  }

  @Override
  protected Cache decorateCache(Cache cache) {
    if (joinedDataSource != null && isTransactionAware() && cache instanceof JCacheCache jcache) {
      return new TransactionJoiningCache(jcache, joinedDataSource);
    }
    return super.decorateCache(cache);
  }

  @Override
  protected Collection<Cache> loadCaches() {
    javax.cache.CacheManager cacheManager = jcacheManager();
    List<Cache> caches = new ArrayList<>();
    for (String name : cacheManager.getCacheNames()) {
      // A cache destroyed by another node since the names were read is simply not served.
      javax.cache.Cache<Object, Object> cache = opener.open(cacheManager, name, false);
      if (cache != null) {
        caches.add(new JCacheCache(cache, isAllowNullValues()));
      }
    }
    return caches;
  }

  @Override
  protected Cache getMissingCache(String name) {
    javax.cache.Cache<Object, Object> cache = opener.open(jcacheManager(), name, createMissingCaches);
    return cache == null ? null : new JCacheCache(cache, isAllowNullValues());
  }

  private javax.cache.CacheManager jcacheManager() {
    javax.cache.CacheManager cacheManager = getCacheManager();
    if (cacheManager == null) {
      throw new IllegalStateException("No JCache CacheManager set");
    }
    return cacheManager;
  }
}
