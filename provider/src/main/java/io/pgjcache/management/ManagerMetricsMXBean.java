package io.pgjcache.management;

/**
 * One cache manager's (one node's) figures: its LISTEN connection, the notifications it received, the notification
 * lag, and its connection pool. Registered as
 * {@code pgjcache:type=CacheManagerMetrics,CacheManager=<manager URI>}, the manager's URI written as in the
 * standard JCache beans' names. Counters count from the manager's start; nothing here resets them.
 */
public interface ManagerMetricsMXBean {
  /** What the LISTEN connection is doing (see {@link ListenerState}), as its name. */
  String getListenerState();

  /**
   * Since when (epoch ms) the LISTEN connection has been down, or 0 while it is live or not needed. Near caches
   * are bypassed for as long as it is down: every read then costs a round trip.
   */
  long getListenerDownSince();

  /** Times the LISTEN connection was opened again after it had been lost. */
  long getListenerReconnects();

  /** Milliseconds the LISTEN connection has been down in all, the current outage included. */
  long getListenerDownMillis();

  /** Process id of the LISTEN connection's backend (to find it in {@code pg_stat_activity}), or 0 when none. */
  int getListenerBackendPid();

  /** Notifications received on the invalidation and event channels, whether for caches open here or not. */
  long getNotificationsReceived();

  /** Notifications dropped because they did not parse (any database user can send them). */
  long getMalformedNotifications();

  /**
   * Lag probes answered. Every few seconds the LISTEN connection sends a NOTIFY to itself and times how long the
   * notification takes to come back: the commit of a NOTIFY, PostgreSQL's notification queue, and every
   * notification queued before it on the way to this node (which is where delivery falls behind under load).
   */
  long getNotificationLagProbes();

  /** The sum of the probes' lags, in milliseconds. */
  double getNotificationLagTotalMillis();

  /** The last probe's lag in milliseconds, or NaN before the first. */
  double getNotificationLagLastMillis();

  /** The largest probe lag in milliseconds, or NaN before the first. */
  double getNotificationLagMaxMillis();

  /** Open caches with a near cache: these are bypassed while the LISTEN connection is down. */
  int getNearCaches();

  /** Expired entries this node's sweeper deleted, over all caches. */
  long getExpiredEntriesSwept();

  /** Whether the manager made the pool it runs on (else it runs on the application's DataSource). */
  boolean isPoolOwned();

  /** Connections in use; -1 when the DataSource is not a HikariCP pool. */
  int getPoolActiveConnections();

  /** Idle connections; -1 when the DataSource is not a HikariCP pool. */
  int getPoolIdleConnections();

  /** Connections open; -1 when the DataSource is not a HikariCP pool. */
  int getPoolTotalConnections();

  /** Threads waiting for a connection; -1 when the DataSource is not a HikariCP pool. */
  int getPoolPendingThreads();

  /** The pool's maximum size; -1 when the DataSource is not a HikariCP pool. */
  int getPoolMaxConnections();
}
