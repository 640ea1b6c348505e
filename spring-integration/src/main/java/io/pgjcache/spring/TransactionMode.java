package io.pgjcache.spring;

/**
 * What Spring's cache operations do inside a Spring-managed transaction ({@code pgjcache.transaction-mode}).
 */
public enum TransactionMode {
  /**
   * Puts and evictions run in the transaction itself, on its connection (pgjcache's
   * {@code PgCache.inTransaction}): they commit or roll back with the data, atomically, and reads in the
   * transaction see them. Needs the caches on the application's DataSource; otherwise {@link #DEFER} applies.
   */
  JOIN,
  /** Puts and evictions wait until the transaction commits, and are dropped when it rolls back (Spring's decorator). */
  DEFER,
  /** Puts and evictions happen at once, whatever the transaction does. */
  IMMEDIATE
}
