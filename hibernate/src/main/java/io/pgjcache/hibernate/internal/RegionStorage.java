package io.pgjcache.hibernate.internal;

import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import org.hibernate.cache.jcache.internal.JCacheAccessImpl;

/**
 * A region's cache as hibernate-jcache uses it, plus {@link #update}: a read-modify-write of one key that pgjcache
 * runs atomically across nodes (under the key's lock in PostgreSQL), which the cluster-safe READ_WRITE strategy
 * builds on.
 */
public class RegionStorage extends JCacheAccessImpl {
  public RegionStorage(Cache<Object, Object> cache) {
    super(cache);
  }

  /** Runs {@code change} on the key atomically across nodes and returns its result. */
  public <T> T update(Object key, EntryProcessor<Object, Object, T> change) {
    return getUnderlyingCache().invoke(key, change);
  }
}
