package io.pgjcache.examples.hibernate;

import io.pgjcache.hibernate.PgRegionFactory;
import io.pgjcache.hibernate.internal.RegionStorage;
import java.util.Objects;
import javax.cache.processor.EntryProcessor;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.spi.support.DomainDataStorageAccess;

/**
 * pgjcache's region factory, unchanged except that every atomic update of an entity or collection region (a
 * put-from-load, among others) first passes a {@link PutGate}.
 */
final class GatedPgRegionFactory extends PgRegionFactory {
  private final PutGate gate;

  GatedPgRegionFactory(PutGate gate) {
    this.gate = Objects.requireNonNull(gate, "gate");
  }

  @Override
  protected DomainDataStorageAccess createDomainDataStorageAccess(DomainDataRegionConfig regionConfig,
      DomainDataRegionBuildingContext buildingContext) {
    String region = regionConfig.getRegionName();
    return new RegionStorage(getOrCreateCache(region, buildingContext.getSessionFactory())) {
      @Override
      public <T> T update(Object key, EntryProcessor<Object, Object, T> change) {
        gate.beforePut(region);
        return super.update(key, change);
      }
    };
  }
}
