package io.pgjcache.internal.metrics;

/**
 * What a cache's write path tells its metrics about the way it commits. Counting is a few {@code LongAdder}
 * additions: call it on the committing thread, after the commit.
 */
public interface WriteMetrics {
  /** Counts nothing: for a cache without metrics. */
  WriteMetrics NONE = writes -> { };

  /**
   * One transaction committed {@code writes} writes of this cache that several callers had asked for (a group
   * commit); a transaction carrying one caller's write alone is not one.
   */
  void groupCommitted(int writes);
}
