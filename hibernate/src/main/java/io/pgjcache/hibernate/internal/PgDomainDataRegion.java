package io.pgjcache.hibernate.internal;

import org.hibernate.cache.cfg.spi.CollectionDataCachingConfig;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.cfg.spi.EntityDataCachingConfig;
import org.hibernate.cache.cfg.spi.NaturalIdDataCachingConfig;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.cache.spi.access.CollectionDataAccess;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.access.NaturalIdDataAccess;
import org.hibernate.cache.spi.support.CollectionTransactionAccess;
import org.hibernate.cache.spi.support.DomainDataRegionImpl;
import org.hibernate.cache.spi.support.EntityTransactionalAccess;
import org.hibernate.cache.spi.support.NaturalIdTransactionalAccess;
import org.hibernate.cache.spi.support.RegionFactoryTemplate;

/**
 * A region for entities, collections and natural ids on one pgjcache cache. READ_ONLY and NONSTRICT_READ_WRITE are
 * Hibernate's own; READ_WRITE is {@link ClusterReadWriteAccess}; TRANSACTIONAL is Hibernate's own logic on
 * {@link TransactionalStorage}, whose writes join the session's transaction.
 */
public final class PgDomainDataRegion extends DomainDataRegionImpl {
  public PgDomainDataRegion(DomainDataRegionConfig config, RegionFactoryTemplate regionFactory, RegionStorage storage,
      CacheKeysFactory keys, DomainDataRegionBuildingContext context) {
    super(config, regionFactory, storage, keys, context);
  }

  @Override
  protected EntityDataAccess generateReadWriteEntityAccess(EntityDataCachingConfig config) {
    return new EntityReadWriteAccess(this, keys(), storage(), config);
  }

  @Override
  protected NaturalIdDataAccess generateReadWriteNaturalIdAccess(NaturalIdDataCachingConfig config) {
    return new NaturalIdReadWriteAccess(this, keys(), storage());
  }

  @Override
  public CollectionDataAccess generateCollectionAccess(CollectionDataCachingConfig config) {
    return config.getAccessType() == AccessType.READ_WRITE
        ? new CollectionReadWriteAccess(this, keys(), storage(), config) : super.generateCollectionAccess(config);
  }

  @Override
  protected EntityDataAccess generateTransactionalEntityDataAccess(EntityDataCachingConfig config) {
    return new EntityTransactionalAccess(this, keys(), transactionalStorage(), config);
  }

  @Override
  protected NaturalIdDataAccess generateTransactionalNaturalIdDataAccess(NaturalIdDataCachingConfig config) {
    return new NaturalIdTransactionalAccess(this, keys(), transactionalStorage(), config);
  }

  @Override
  protected CollectionDataAccess generateTransactionalCollectionDataAccess(CollectionDataCachingConfig config) {
    return new CollectionTransactionAccess(this, keys(), transactionalStorage(), config);
  }

  // The super constructor builds the accesses, before any field of this class could be set: ask it.
  private RegionStorage storage() {
    return (RegionStorage) getCacheStorageAccess();
  }

  private CacheKeysFactory keys() {
    return getEffectiveKeysFactory();
  }

  private TransactionalStorage transactionalStorage() {
    return new TransactionalStorage(storage(), getRegionFactory());
  }
}
