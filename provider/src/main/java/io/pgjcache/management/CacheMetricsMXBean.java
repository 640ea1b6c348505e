package io.pgjcache.management;

import java.util.Map;

/**
 * One open cache's figures on this node. Registered as
 * {@code pgjcache:type=CacheMetrics,CacheManager=<manager URI>,Cache=<name>}, the cache's name quoted where it
 * is not a legal ObjectName value, as in the standard JCache beans' names. Counters count from the cache's
 * opening on this node.
 */
public interface CacheMetricsMXBean {
  /**
   * The operations {@link #getDatabaseCalls()} counts; a call made under any other name is counted under
   * {@code other}.
   */
  java.util.List<String> OPERATIONS = java.util.List.of("get", "getAll", "containsKey", "put", "putAll",
      "putIfAbsent", "getAndPut", "replace", "getAndReplace", "remove", "getAndRemove", "removeAll", "clear",
      "invoke", "load", "size", "iterator", "event", "sweep", "other");

  String getCacheName();

  /** Whether this cache keeps a near cache on this node. */
  boolean isNearCacheEnabled();

  /** Reads served from the near cache, without a round trip. */
  long getNearCacheHits();

  /** Reads the near cache could have served but did not hold: they went to PostgreSQL. */
  long getNearCacheMisses();

  /** Reads that went to PostgreSQL because the near cache was bypassed (the LISTEN connection was down). */
  long getNearCacheBypassed();

  /** Copies the near cache dropped to stay within its bound. */
  long getNearCacheEvictions();

  /** Copies the near cache holds now. */
  long getNearCacheSize();

  /** Keys that invalidation notifications named for this cache (their own writes' included). */
  long getInvalidationsReceived();

  /** Notifications that this whole cache changed (a clear, a truncate, a dropped table). */
  long getCacheInvalidationsReceived();

  /** Expired entries this node's sweeper deleted from this cache. */
  long getExpiredEntriesSwept();

  /**
   * Units of work sent to PostgreSQL, by the operation that sent them; each is one connection from the pool and
   * one statement, or one transaction of a few statements (a locked read-modify-write, a sweep batch). Near-cache
   * hits are not here.
   */
  Map<String, Long> getDatabaseCalls();

  /** Group commits this cache's writes took part in (one transaction carrying several callers' writes). */
  long getGroupCommits();

  /** Writes that went through group commits. */
  long getGroupCommittedWrites();

  /** The most writes one group commit carried. */
  long getLargestGroupCommit();

  /**
   * Stored entries this node's classes could not read any more (a class renamed or changed incompatibly since
   * the entry was written): each was treated as a miss.
   */
  long getUndecodableEntries();
}
