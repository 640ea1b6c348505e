package io.pgjcache.hibernate.internal;

import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.access.NaturalIdDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.entity.EntityPersister;

/** Cluster-safe READ_WRITE for natural-id resolutions (which have no version): see {@link ClusterReadWriteAccess}. */
final class NaturalIdReadWriteAccess extends ClusterReadWriteAccess implements NaturalIdDataAccess {
  private final CacheKeysFactory keys;

  NaturalIdReadWriteAccess(DomainDataRegion region, CacheKeysFactory keys, RegionStorage storage) {
    super(region, storage, null);
    this.keys = keys;
  }

  @Override
  public Object generateCacheKey(Object naturalIdValues, EntityPersister persister,
      SharedSessionContractImplementor session) {
    return keys.createNaturalIdKey(naturalIdValues, persister, session);
  }

  @Override
  public Object getNaturalIdValues(Object cacheKey) {
    return keys.getNaturalIdValues(cacheKey);
  }

  @Override
  public boolean insert(SharedSessionContractImplementor session, Object key, Object value) {
    return false;
  }

  @Override
  public boolean afterInsert(SharedSessionContractImplementor session, Object key, Object value) {
    return cacheInserted(key, value, null);
  }

  @Override
  public boolean update(SharedSessionContractImplementor session, Object key, Object value) {
    return false;
  }

  @Override
  public boolean afterUpdate(SharedSessionContractImplementor session, Object key, Object value, SoftLock lock) {
    return cacheUpdated(key, value, null, lock);
  }
}
