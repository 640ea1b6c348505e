package io.pgjcache.internal.management;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * Per-node cache statistics, counted with {@link LongAdder}s so that counting never contends.
 * Counting happens only while statistics are enabled; the cache checks {@link #isEnabled()}.
 */
public final class CacheStatistics implements CacheStatisticsMXBean {
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();
  private volatile boolean enabled;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public void recordHits(long count) {
    if (enabled) {
      hits.add(count);
    }
  }

  public void recordMisses(long count) {
    if (enabled) {
      misses.add(count);
    }
  }

  public void recordPuts(long count) {
    if (enabled) {
      puts.add(count);
    }
  }

  public void recordRemovals(long count) {
    if (enabled) {
      removals.add(count);
    }
  }

  public void recordEvictions(long count) {
    if (enabled) {
      evictions.add(count);
    }
  }

  public void recordGetTime(long startNanos) {
    if (enabled) {
      getNanos.add(System.nanoTime() - startNanos);
    }
  }

  public void recordPutTime(long startNanos) {
    if (enabled) {
      putNanos.add(System.nanoTime() - startNanos);
    }
  }

  public void recordRemoveTime(long startNanos) {
    if (enabled) {
      removeNanos.add(System.nanoTime() - startNanos);
    }
  }

  @Override
  public void clear() {
    for (LongAdder adder : new LongAdder[] {hits, misses, puts, removals, evictions, getNanos, putNanos,
        removeNanos}) {
      adder.reset();
    }
  }

  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  @Override
  public float getCacheHitPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0f : getCacheHits() * 100f / gets;
  }

  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  @Override
  public float getCacheMissPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0f : getCacheMisses() * 100f / gets;
  }

  @Override
  public long getCacheGets() {
    return hits.sum() + misses.sum();
  }

  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  @Override
  public long getCacheEvictions() {
    return evictions.sum();
  }

  @Override
  public float getAverageGetTime() {
    return average(getNanos.sum(), getCacheGets());
  }

  @Override
  public float getAveragePutTime() {
    return average(putNanos.sum(), getCachePuts());
  }

  @Override
  public float getAverageRemoveTime() {
    return average(removeNanos.sum(), getCacheRemovals());
  }

  /** Microseconds, as the specification asks. */
  private static float average(long totalNanos, long count) {
    return count == 0 ? 0f : (float) TimeUnit.NANOSECONDS.toMicros(totalNanos) / count;
  }
}
