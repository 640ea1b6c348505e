package io.pgjcache.hibernate.internal;

import java.util.Comparator;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.cache.spi.support.AbstractCachedDomainDataAccess;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * Hibernate's READ_WRITE strategy made safe across nodes. Hibernate's own implementation guards each
 * read-check-write of a key's soft lock with a lock inside one JVM, so two nodes can interleave: a load on one node
 * puts the state it read over the newer state another node's update just cached, and two updates can overwrite
 * each other's lock. Here every such step is one {@link RegionStorage#update} of the key, which pgjcache runs under
 * the key's lock in PostgreSQL: no other node can change the key between the check and the change, and each
 * transaction holds its own {@link SoftLocked.Token}, so a lock count cannot be lost.
 *
 * <p>The rules themselves are {@link ReadWriteRules}. Timestamps come from the region factory (each node's
 * clock): the rules that compare a transaction's start with a lock's release assume the nodes' clocks agree to
 * well within a transaction's length; versioned data does not depend on clocks.
 */
abstract class ClusterReadWriteAccess extends AbstractCachedDomainDataAccess {
  private final RegionStorage storage;
  private final RegionFactory regionFactory;
  private final Comparator<Object> versions;
  private final String node = UUID.randomUUID().toString();
  private final AtomicLong nextToken = new AtomicLong();

  /** @param versions orders the versions of the cached data, or null when it has none */
  ClusterReadWriteAccess(DomainDataRegion region, RegionStorage storage, Comparator<Object> versions) {
    super(region, storage);
    this.storage = Objects.requireNonNull(storage, "storage");
    this.regionFactory = region.getRegionFactory();
    this.versions = versions;
  }

  @Override
  public AccessType getAccessType() {
    return AccessType.READ_WRITE;
  }

  @Override
  public Object get(SharedSessionContractImplementor session, Object key) {
    return ReadWriteRules.readable(storage.getFromCache(key, session), began(session));
  }

  @Override
  public boolean putFromLoad(SharedSessionContractImplementor session, Object key, Object value, Object version) {
    return putFromLoad(session, key, value, version, false);
  }

  @Override
  public boolean putFromLoad(SharedSessionContractImplementor session, Object key, Object value, Object version,
      boolean minimalPutOverride) {
    long began = began(session);
    return storage.update(key, (entry, arguments) -> {
      Object held = entry.getValue();
      if (!ReadWriteRules.mayPutFromLoad(held, began, version, versions)) {
        return false;
      }
      if (minimalPutOverride && version == null && held != null) {
        // No version to tell whether what is held is stale; minimal puts assume it is not.
        return false;
      }
      entry.setValue(new CachedItem(value, version, began));
      return true;
    });
  }

  @Override
  public SoftLock lockItem(SharedSessionContractImplementor session, Object key, Object version) {
    SoftLocked.Token token = new SoftLocked.Token(node, nextToken.getAndIncrement());
    long timeout = regionFactory.nextTimestamp() + regionFactory.getTimeout();
    storage.update(key, (entry, arguments) -> {
      entry.setValue(ReadWriteRules.lock(entry.getValue(), token, timeout));
      return null;
    });
    return token;
  }

  @Override
  public void unlockItem(SharedSessionContractImplementor session, Object key, SoftLock lock) {
    long now = regionFactory.nextTimestamp();
    long timeout = now + regionFactory.getTimeout();
    storage.update(key, (entry, arguments) -> {
      entry.setValue(ReadWriteRules.release(entry.getValue(), (SoftLocked.Token) lock, now, timeout));
      return null;
    });
  }

  /** Caches the state an insert committed, unless something is there already. */
  boolean cacheInserted(Object key, Object value, Object version) {
    long now = regionFactory.nextTimestamp();
    return storage.update(key, (entry, arguments) -> {
      if (entry.exists()) {
        return false;
      }
      entry.setValue(new CachedItem(value, version, now));
      return true;
    });
  }

  /** Caches the state an update committed if its transaction held the key's lock alone; else releases its lock. */
  boolean cacheUpdated(Object key, Object value, Object version, SoftLock lock) {
    long now = regionFactory.nextTimestamp();
    long timeout = now + regionFactory.getTimeout();
    return storage.update(key, (entry, arguments) -> {
      Object next = ReadWriteRules.afterUpdate(entry.getValue(), (SoftLocked.Token) lock, value, version, now,
          timeout);
      entry.setValue(next);
      return next instanceof CachedItem;
    });
  }

  /** Removes the key unless a transaction holds its lock (its release must stay to guard the key). */
  @Override
  public void remove(SharedSessionContractImplementor session, Object key) {
    storage.update(key, (entry, arguments) -> {
      if (!(entry.getValue() instanceof SoftLocked)) {
        entry.remove();
      }
      return null;
    });
  }

  /** Nothing: the soft locks must stay (as in Hibernate's own READ_WRITE). */
  @Override
  public void removeAll(SharedSessionContractImplementor session) {
  }

  private static long began(SharedSessionContractImplementor session) {
    return session.getCacheTransactionSynchronization().getCachingTimestamp();
  }
}
