package io.pgjcache.hibernate.internal;

import org.hibernate.cache.cfg.spi.CollectionDataCachingConfig;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.access.CollectionDataAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.collection.CollectionPersister;

/**
 * Cluster-safe READ_WRITE for collections: see {@link ClusterReadWriteAccess}. A changed collection is locked and
 * released, never put: the next load caches it.
 */
final class CollectionReadWriteAccess extends ClusterReadWriteAccess implements CollectionDataAccess {
  private final CacheKeysFactory keys;

  CollectionReadWriteAccess(DomainDataRegion region, CacheKeysFactory keys, RegionStorage storage,
      CollectionDataCachingConfig config) {
    super(region, storage, config.getOwnerVersionComparator());
    this.keys = keys;
  }

  @Override
  public Object generateCacheKey(Object id, CollectionPersister persister, SessionFactoryImplementor factory,
      String tenantIdentifier) {
    return keys.createCollectionKey(id, persister, factory, tenantIdentifier);
  }

  @Override
  public Object getCacheKeyId(Object cacheKey) {
    return keys.getCollectionId(cacheKey);
  }
}
