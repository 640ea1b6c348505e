package io.pgjcache.internal.store;

import io.pgjcache.internal.db.Database;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The advisory locks by which nodes say that they near-cache a cache and writers ask whether anyone does (see
 * {@link Sql#nearCached}): the statements a LISTEN connection runs to hold and release its lock, and what
 * PostgreSQL's lock table says about the writers that asked. The protocol that uses them is {@code NearCacheLeases}.
 */
public final class NearCacheLocks {
  private final Database database;

  public NearCacheLocks(Database database) {
    this.database = Objects.requireNonNull(database, "database");
  }

  /** The statement by which a LISTEN connection starts near-caching a cache. */
  public String hold(int cacheId) {
    return Sql.holdNearCached(cacheId);
  }

  /** The statement by which a LISTEN connection stops near-caching a cache. */
  public String release(int cacheId) {
    return Sql.releaseNearCached(cacheId);
  }

  /**
   * The transactions (virtual transaction ids) holding a silent writer's lock on any of the caches now, or, with
   * {@code among} not null, those of them still holding it. Each call is one auto-commit statement on the pool.
   */
  public Set<String> silentWriters(int[] cacheIds, Set<String> among) {
    return database.autoCommit(() -> "pgjcache: looking for writers of caches " + Arrays.toString(cacheIds), c -> {
      Array ids = c.createArrayOf("int8", IntStream.of(cacheIds).mapToObj(Long::valueOf).toArray());
      Array earlier = among == null ? null : c.createArrayOf("text", among.toArray());
      try (PreparedStatement select = c.prepareStatement(
          earlier == null ? Sql.silentWriters() : Sql.silentWritersLeft())) {
        select.setArray(1, ids);
        if (earlier != null) {
          select.setArray(2, earlier);
        }
        Set<String> holders = new HashSet<>();
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            holders.add(rs.getString(1));
          }
        }
        return holders;
      } finally {
        ids.free();
        if (earlier != null) {
          earlier.free();
        }
      }
    });
  }
}
