package io.pgjcache.internal.metrics;

import io.pgjcache.internal.near.NearCache;
import io.pgjcache.management.CacheMetricsMXBean;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The figures of one cache open on this node (see {@link CacheMetricsMXBean} for what each means). The near cache
 * counts its own reads; the rest is counted here, with {@link LongAdder}s so that counting never contends. Made
 * by {@link ManagerMetrics#open}, which registers it; {@link #close} unregisters it.
 */
public final class CacheMetrics implements CacheMetricsMXBean, WriteMetrics {
  private final String cacheName;
  /** Null when the cache has no near cache. */
  private final NearCache near;
  private final Runnable onClose;
  /** The manager's total of swept entries. */
  private final LongAdder managerSwept;
  /** One counter per operation of {@link #OPERATIONS}, made up front so that the map is never written. */
  private final Map<String, LongAdder> calls;
  private final LongAdder other;
  private final LongAdder invalidations = new LongAdder();
  private final LongAdder cacheInvalidations = new LongAdder();
  private final LongAdder swept = new LongAdder();
  private final LongAdder groupCommits = new LongAdder();
  private final LongAdder groupCommittedWrites = new LongAdder();
  private final LongAccumulator largestGroupCommit = new LongAccumulator(Math::max, 0);
  /** The codec counts the entries it could not read any more. */
  private final LongSupplier undecodable;

  CacheMetrics(String cacheName, NearCache near, Runnable onClose, LongAdder managerSwept, LongSupplier undecodable) {
    this.cacheName = Objects.requireNonNull(cacheName, "cacheName");
    this.near = near;
    this.onClose = Objects.requireNonNull(onClose, "onClose");
    this.managerSwept = Objects.requireNonNull(managerSwept, "managerSwept");
    this.undecodable = Objects.requireNonNull(undecodable, "undecodable");
    Map<String, LongAdder> counters = new LinkedHashMap<>();
    OPERATIONS.forEach(operation -> counters.put(operation, new LongAdder()));
    this.calls = Collections.unmodifiableMap(counters);
    this.other = counters.get("other");
  }

  /** One unit of work sent to PostgreSQL for this operation. */
  void called(String operation) {
    calls.getOrDefault(operation, other).increment();
  }

  /** A notification named these many keys of this cache. */
  public void invalidationsReceived(int keys) {
    invalidations.add(keys);
  }

  /** A notification said that anything in this cache may have changed. */
  public void cacheInvalidationReceived() {
    cacheInvalidations.increment();
  }

  /** The sweeper deleted these many expired entries of this cache. */
  public void swept(long entries) {
    swept.add(entries);
    managerSwept.add(entries);
  }

  @Override
  public void groupCommitted(int writes) {
    groupCommits.increment();
    groupCommittedWrites.add(writes);
    largestGroupCommit.accumulate(writes);
  }

  /** Unregisters the bean; the cache is closing. */
  public void close() {
    onClose.run();
  }

  @Override
  public String getCacheName() {
    return cacheName;
  }

  @Override
  public boolean isNearCacheEnabled() {
    return near != null;
  }

  @Override
  public long getNearCacheHits() {
    return near == null ? 0 : near.counts().hits();
  }

  @Override
  public long getNearCacheMisses() {
    return near == null ? 0 : near.counts().misses();
  }

  @Override
  public long getNearCacheBypassed() {
    return near == null ? 0 : near.counts().bypassed();
  }

  @Override
  public long getNearCacheEvictions() {
    return near == null ? 0 : near.counts().evictions();
  }

  @Override
  public long getNearCacheSize() {
    return near == null ? 0 : near.estimatedSize();
  }

  @Override
  public long getInvalidationsReceived() {
    return invalidations.sum();
  }

  @Override
  public long getCacheInvalidationsReceived() {
    return cacheInvalidations.sum();
  }

  @Override
  public long getExpiredEntriesSwept() {
    return swept.sum();
  }

  @Override
  public Map<String, Long> getDatabaseCalls() {
    Map<String, Long> counts = new LinkedHashMap<>();
    calls.forEach((operation, count) -> counts.put(operation, count.sum()));
    return counts;
  }

  @Override
  public long getGroupCommits() {
    return groupCommits.sum();
  }

  @Override
  public long getGroupCommittedWrites() {
    return groupCommittedWrites.sum();
  }

  @Override
  public long getLargestGroupCommit() {
    return largestGroupCommit.get();
  }

  @Override
  public String toString() {
    return "CacheMetrics[" + cacheName + "]";
  }

  @Override
  public long getUndecodableEntries() {
    return undecodable.getAsLong();
  }
}
