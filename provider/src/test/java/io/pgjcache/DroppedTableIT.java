package io.pgjcache;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.store.Identifiers;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.Tables;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator's {@code DROP TABLE} of a cache table fires no table trigger. Nodes must still stop serving the
 * near-cached entries of that table: at once where an event trigger could be installed (a superuser's database),
 * at their next sweep otherwise.
 */
class DroppedTableIT {
  private Cluster cluster;

  @BeforeEach
  void start() {
    cluster = Cluster.of(2);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  @Test
  void everyNode_stopsServingATableDroppedByHand() {
    List<Cache<String, String>> caches = cluster.cache("dropped-by-hand", strings());
    caches.get(0).put("k", "v");
    NearCaching.awaitNearCached(cluster.dataSource(), caches, List.of("k"));

    cluster.execute("DROP TABLE " + Tables.tableName(caches.get(0)));

    for (Cache<String, String> cache : caches) {
      await().atMost(10, SECONDS).pollInterval(20, MILLISECONDS).until(() -> answersFromTheTable(cache));
      assertThatThrownBy(() -> cache.get("k")).isInstanceOf(CacheException.class)
          .hasMessageContaining("cache table is missing");
    }
  }

  @Test
  void withoutTheEventTrigger_nodesNoticeAtTheirNextSweep() {
    // Where the role may not create event triggers there is none; here, drop it to get the same situation.
    cluster.execute("DROP EVENT TRIGGER IF EXISTS " + Identifiers.quote(Identifiers.droppedTableTrigger(cluster.schema())));
    everyNode_stopsServingATableDroppedByHand();
  }

  @Test
  void theEventTrigger_neverBreaksAnOperatorsDdl() {
    cluster.execute("CREATE TABLE " + Identifiers.qualified(cluster.schema(), "unrelated") + " (id int)");
    cluster.execute("DROP TABLE " + Identifiers.qualified(cluster.schema(), "unrelated"));
    Cache<String, String> cache = cluster.cache("dropped-with-registry", strings()).get(0);
    cache.put("k", "v");
    // The registry and the cache table go in one command: the trigger cannot look the table up, and must not fail.
    cluster.execute("DROP TABLE " + Identifiers.qualified(cluster.schema(), "caches") + ", " + Tables.tableName(cache)
        + " CASCADE");
    assertThat(Tables.tableExists(cluster.dataSource(), Tables.tableName(cache))).isFalse();

    // With its registry gone the cluster cannot destroy its caches one by one: remove the schema as an operator would.
    cluster.execute("DROP SCHEMA " + Identifiers.quote(cluster.schema()) + " CASCADE");
    cluster.node(0).close();
  }

  private static boolean answersFromTheTable(Cache<String, String> cache) {
    try {
      cache.get("k");
      return false;
    } catch (CacheException e) {
      return true;
    }
  }
}
