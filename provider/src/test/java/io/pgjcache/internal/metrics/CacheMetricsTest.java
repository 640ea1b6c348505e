package io.pgjcache.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.internal.db.Database;
import io.pgjcache.management.CacheMetricsMXBean;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** What the write path and the database report reaches a cache's figures, and only that cache's. */
class CacheMetricsTest {
  private final ManagerMetrics manager = new ManagerMetrics(URI.create("test:cache-metrics-" + System.nanoTime()),
      new PGSimpleDataSource(), false);

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void groupCommits_countBatches_writes_andTheLargest() {
    CacheMetrics cache = manager.open("orders", null, () -> 0);
    WriteMetrics writes = cache;

    writes.groupCommitted(3);
    writes.groupCommitted(8);
    writes.groupCommitted(2);

    assertThat(cache.getGroupCommits()).isEqualTo(3);
    assertThat(cache.getGroupCommittedWrites()).isEqualTo(13);
    assertThat(cache.getLargestGroupCommit()).isEqualTo(8);
  }

  @Test
  void databaseCalls_goToTheNamedCache_byOperation_andUnknownOnesToOther() {
    CacheMetrics orders = manager.open("orders", null, () -> 0);
    CacheMetrics users = manager.open("users", null, () -> 0);

    manager.called(new Database.Operation("orders", "get"));
    manager.called(new Database.Operation("orders", "get"));
    manager.called(new Database.Operation("orders", "somethingNew"));
    manager.called(new Database.Operation("closed-or-unknown", "get"));

    assertThat(orders.getDatabaseCalls()).containsEntry("get", 2L).containsEntry("other", 1L);
    assertThat(users.getDatabaseCalls().values()).allMatch(count -> count == 0);
  }

  @Test
  void sweptEntries_addUpPerCacheAndPerManager_andAClosedCacheStopsCounting() {
    CacheMetrics orders = manager.open("orders", null, () -> 0);
    CacheMetrics users = manager.open("users", null, () -> 0);
    orders.swept(4);
    users.swept(6);
    assertThat(manager.getExpiredEntriesSwept()).isEqualTo(10);

    List<String> watched = new ArrayList<>();
    manager.watchCaches(figures -> watched.add(figures.getCacheName()));
    users.close();
    manager.called(new Database.Operation("users", "get"));

    assertThat(watched).containsExactlyInAnyOrder("orders", "users");
    assertThat(users.getDatabaseCalls().get("get")).isZero();
    assertThat(manager.caches()).extracting(CacheMetricsMXBean::getCacheName).containsExactly("orders");
  }

  @Test
  void aCacheReopenedUnderItsName_keepsCounting_whenTheOldCopyClosesLate() {
    CacheMetrics old = manager.open("orders", null, () -> 0);
    CacheMetrics reopened = manager.open("orders", null, () -> 0);
    old.close();
    long before = reopened.getDatabaseCalls().get("put");

    manager.called(new Database.Operation("orders", "put"));

    assertThat(reopened.getDatabaseCalls().get("put")).isEqualTo(before + 1);
    assertThat(manager.caches()).containsExactly(reopened);
  }
}
