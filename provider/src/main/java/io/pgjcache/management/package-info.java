/**
 * pgjcache's own figures, beyond the standard JCache statistics: where reads go (near cache or PostgreSQL), how
 * the LISTEN connection fares, what the sweeper deletes, and the connection pool. Each manager registers them on
 * the platform MBean server under the {@code pgjcache} domain ({@link ManagerMetricsMXBean},
 * {@link CacheMetricsMXBean}), and hands them out in Java through
 * {@link io.pgjcache.PgCacheManager#getMetrics()} for monitoring libraries. The figures are this node's.
 */
package io.pgjcache.management;
