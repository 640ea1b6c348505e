package io.pgjcache.internal.db;

import java.util.function.Supplier;

/**
 * Where a cache's statements run: on a pooled connection of their own, each committed by itself ({@link Database}),
 * or on a caller's connection inside the caller's open transaction ({@link JoinedTransaction}), so that they commit
 * or roll back with it. Reads that go through this interface see what the transaction they run in sees.
 */
public interface Connections {
  /**
   * Runs {@code work} and turns an {@link java.sql.SQLException} into a {@link javax.cache.CacheException};
   * {@code what} names the operation in the error message and is only built when something fails.
   */
  <T> T run(Supplier<String> what, Database.Work<T> work);
}
