package io.pgjcache.hibernate.internal;

import org.hibernate.cache.cfg.spi.EntityDataCachingConfig;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.entity.EntityPersister;

/** Cluster-safe READ_WRITE for entities: see {@link ClusterReadWriteAccess}. */
final class EntityReadWriteAccess extends ClusterReadWriteAccess implements EntityDataAccess {
  private final CacheKeysFactory keys;

  EntityReadWriteAccess(DomainDataRegion region, CacheKeysFactory keys, RegionStorage storage,
      EntityDataCachingConfig config) {
    super(region, storage, config.getVersionComparatorAccess() == null ? null
        : config.getVersionComparatorAccess().get());
    this.keys = keys;
  }

  @Override
  public Object generateCacheKey(Object id, EntityPersister persister, SessionFactoryImplementor factory,
      String tenantIdentifier) {
    return keys.createEntityKey(id, persister, factory, tenantIdentifier);
  }

  @Override
  public Object getCacheKeyId(Object cacheKey) {
    return keys.getEntityId(cacheKey);
  }

  @Override
  public boolean insert(SharedSessionContractImplementor session, Object key, Object value, Object version) {
    return false;
  }

  @Override
  public boolean afterInsert(SharedSessionContractImplementor session, Object key, Object value, Object version) {
    return cacheInserted(key, value, version);
  }

  @Override
  public boolean update(SharedSessionContractImplementor session, Object key, Object value, Object currentVersion,
      Object previousVersion) {
    return false;
  }

  @Override
  public boolean afterUpdate(SharedSessionContractImplementor session, Object key, Object value,
      Object currentVersion, Object previousVersion, SoftLock lock) {
    return cacheUpdated(key, value, currentVersion, lock);
  }
}
