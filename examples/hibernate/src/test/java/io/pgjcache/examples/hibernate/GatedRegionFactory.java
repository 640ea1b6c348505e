package io.pgjcache.examples.hibernate;

import java.util.Objects;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.jcache.internal.JCacheAccessImpl;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cache.spi.support.DomainDataStorageAccess;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * Hibernate's own JCache region factory, unchanged except that every put into an entity or collection
 * region first passes a {@link PutGate}. Nothing else differs from a node configured by properties.
 */
final class GatedRegionFactory extends JCacheRegionFactory {
  private final PutGate gate;

  GatedRegionFactory(PutGate gate) {
    this.gate = Objects.requireNonNull(gate, "gate");
  }

  @Override
  protected DomainDataStorageAccess createDomainDataStorageAccess(DomainDataRegionConfig regionConfig,
      DomainDataRegionBuildingContext buildingContext) {
    String region = regionConfig.getRegionName();
    return new JCacheAccessImpl(getOrCreateCache(region, buildingContext.getSessionFactory())) {
      @Override
      public void putIntoCache(Object key, Object value, SharedSessionContractImplementor session) {
        gate.beforePut(region);
        super.putIntoCache(key, value, session);
      }
    };
  }
}
