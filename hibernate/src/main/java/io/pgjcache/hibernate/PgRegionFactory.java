package io.pgjcache.hibernate;

import io.pgjcache.PgCachingProvider;
import io.pgjcache.hibernate.internal.PgDomainDataRegion;
import io.pgjcache.hibernate.internal.RegionStorage;
import java.util.Map;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.jcache.ConfigSettings;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.support.DomainDataStorageAccess;

/**
 * Hibernate's second-level cache on pgjcache: select it with
 * {@code hibernate.cache.region.factory_class=io.pgjcache.hibernate.PgRegionFactory}. It is hibernate-jcache's
 * region factory (same settings: {@code hibernate.javax.cache.uri}, {@code missing_cache_strategy}, ...; the
 * provider defaults to pgjcache's) with two concurrency strategies made stronger:
 *
 * <ul>
 *   <li>{@code READ_WRITE} is safe across nodes: every soft-lock and put-from-load step is one atomic
 *   read-modify-write of the key in PostgreSQL, so a load on one node can no longer cache the state it read over a
 *   newer state another node's update cached, and concurrent updates on several nodes cannot lose a lock.
 *   <li>{@code TRANSACTIONAL} writes and evicts on the session's own JDBC connection, inside its transaction, when
 *   the caches live in the same database as the entities: entity and cache commit or roll back together, and every
 *   node drops its copy exactly at the commit.
 * </ul>
 *
 * READ_ONLY and NONSTRICT_READ_WRITE, query results and update timestamps are hibernate-jcache's, unchanged.
 */
public class PgRegionFactory extends JCacheRegionFactory {
  @Override
  public DomainDataRegion buildDomainDataRegion(DomainDataRegionConfig config,
      DomainDataRegionBuildingContext context) {
    return new PgDomainDataRegion(config, this, (RegionStorage) createDomainDataStorageAccess(config, context),
        getImplicitCacheKeysFactory(), context);
  }

  /** The region's cache, with the atomic update the READ_WRITE strategy needs. */
  @Override
  protected DomainDataStorageAccess createDomainDataStorageAccess(DomainDataRegionConfig config,
      DomainDataRegionBuildingContext context) {
    return new RegionStorage(getOrCreateCache(config.getRegionName(), context.getSessionFactory()));
  }

  /** pgjcache's provider unless {@code hibernate.javax.cache.provider} names another. */
  @Override
  protected CachingProvider getCachingProvider(Map<String, Object> properties) {
    if (properties.get(ConfigSettings.PROVIDER) == null) {
      return Caching.getCachingProvider(PgCachingProvider.class.getName(), PgRegionFactory.class.getClassLoader());
    }
    return super.getCachingProvider(properties);
  }
}
