package io.pgjcache.internal.store;

import io.pgjcache.internal.db.Database;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One node's rows in {@code <schema>.near_cache_leases}, and what PostgreSQL's lock table says about the writers
 * that asked whether a cache is near-cached (see {@link Sql#createNearCachedFunction}). Each method is one unit of
 * work in auto-commit, so it works through PgBouncer in transaction mode; the protocol that uses them is
 * {@code NearCacheLeases}.
 */
public final class LeaseTable {
  private final Database database;
  private final String schema;
  private final String nodeId;

  /** @param nodeId the node whose leases these are */
  public LeaseTable(Database database, String schema, String nodeId) {
    this.database = Objects.requireNonNull(database, "database");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
  }

  /**
   * Takes or renews this node's leases of the caches, naming the LISTEN connection's backend, and deletes the
   * leases other nodes left behind (their LISTEN backend is gone); committed when this returns.
   */
  public void take(int[] cacheIds, int listenPid) {
    database.transaction(() -> "pgjcache: taking the near-cache leases of caches " + ids(cacheIds), c -> {
      try (PreparedStatement stale = c.prepareStatement(Sql.deleteStaleLeases(schema))) {
        stale.setString(1, nodeId);
        stale.executeUpdate();
      }
      Array ids = intArray(c, cacheIds);
      try (PreparedStatement upsert = c.prepareStatement(Sql.upsertLeases(schema))) {
        upsert.setString(1, nodeId);
        upsert.setInt(2, listenPid);
        upsert.setArray(3, ids);
        upsert.executeUpdate();
      } finally {
        ids.free();
      }
      return null;
    });
  }

  /** Gives up this node's leases of the caches. */
  public void release(int[] cacheIds) {
    database.autoCommit(() -> "pgjcache: giving up the near-cache leases of caches " + ids(cacheIds), c -> {
      Array ids = intArray(c, cacheIds);
      try (PreparedStatement delete = c.prepareStatement(Sql.deleteLeases(schema))) {
        delete.setString(1, nodeId);
        delete.setArray(2, ids);
        delete.executeUpdate();
      } finally {
        ids.free();
      }
      return null;
    });
  }

  /** Gives up every lease of this node. */
  public void releaseAll() {
    database.autoCommit(() -> "pgjcache: giving up the near-cache leases of node " + nodeId, c -> {
      try (PreparedStatement delete = c.prepareStatement(Sql.deleteNodeLeases(schema))) {
        delete.setString(1, nodeId);
        delete.executeUpdate();
      }
      return null;
    });
  }

  /**
   * The transactions (virtual transaction ids) holding a silent writer's lock on any of the caches now, or, with
   * {@code among} not null, those of them still holding it.
   */
  public Set<String> silentWriters(int[] cacheIds, Set<String> among) {
    return database.autoCommit(() -> "pgjcache: looking for writers of caches " + ids(cacheIds), c -> {
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

  private static Array intArray(Connection c, int[] values) throws SQLException {
    return c.createArrayOf("int4", IntStream.of(values).boxed().toArray());
  }

  private static String ids(int[] cacheIds) {
    return Arrays.toString(cacheIds);
  }
}
