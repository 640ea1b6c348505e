package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgjcache.internal.notify.ListenTarget;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.PgBouncer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind PgBouncer in transaction pooling mode: data goes through PgBouncer, the LISTEN connection goes
 * straight to PostgreSQL ({@code pgjcache.listen.url}), and invalidation works across nodes.
 *
 * <p>What it takes, found here: PgBouncer before 1.21 keeps no server-side prepared statements across
 * transactions, so the URL needs {@code prepareThreshold=0}; and it refuses the {@code options} startup
 * parameter that carries the provider's statement timeout, so {@code pgjcache.statement-timeout=PT0S} (set the
 * timeout on the database role instead).
 */
class PgBouncerIT {
  private static final Duration ARRIVES_WITHIN = Duration.ofSeconds(5);

  @TempDir
  Path directory;

  @Test
  void cachesWorkThroughPgBouncer_andInvalidateOverADirectListenConnection() throws Exception {
    Path executable = executable();
    try (Cluster direct = Cluster.of(1);
        PgBouncer bouncer = PgBouncer.start(executable, directory, direct.database(), List.of());
        Cluster bounced = Cluster.builder().nodes(2)
            .property("pgjcache.jdbc.url", throughBouncer(direct, bouncer))
            .property("pgjcache.listen.url", directly(direct))
            .property("pgjcache.statement-timeout", "PT0S")
            .build()) {
      List<Cache<String, Integer>> nodes = bounced.cache("bounced",
          new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
      Cache<String, Integer> a = nodes.get(0);
      Cache<String, Integer> b = nodes.get(1);

      // Each statement many times over: a server-side prepared statement would be used by then.
      for (int i = 0; i < 20; i++) {
        a.put("k" + i, i);
        assertThat(b.get("k" + i)).isEqualTo(i);
        assertThat(a.getAndPut("k" + i, i + 1)).isEqualTo(i);
        assertThat(b.containsKey("k" + i)).isTrue();
        a.invoke("counter", (entry, args) -> {
          entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
          return null;
        });
      }
      assertThat(b.get("counter")).isEqualTo(20);
      Map<String, Integer> many = new HashMap<>();
      IntStream.range(0, 20).forEach(i -> many.put("k" + i, i + 1));
      // B read each key before A's getAndPut: its copies go as those notifications arrive.
      await().atMost(ARRIVES_WITHIN).untilAsserted(() -> assertThat(b.getAll(many.keySet())).isEqualTo(many));
      assertThat(a.replace("k0", 1, 100)).isTrue();
      assertThat(a.remove("k1")).isTrue();
      assertThat(b.unwrap(PgCache.class).size()).isEqualTo(20);
      assertThat(bouncer.log()).as("PgBouncer's log").contains("login attempt");

      NearCaching.awaitNearCached(direct.dataSource(0), List.of(a, b), List.of("k0", "k2"));
      a.put("k0", -1);
      b.removeAll(Set.of("k2"));
      await("invalidation across the nodes").atMost(ARRIVES_WITHIN).untilAsserted(() -> {
        assertThat(b.get("k0")).isEqualTo(-1);
        assertThat(a.get("k2")).isNull();
      });
    }
  }

  @Test
  void defaultStatementTimeout_isRefusedByPgBouncer_withItsReasonInTheError() throws Exception {
    Path executable = executable();
    try (Cluster direct = Cluster.of(1);
        PgBouncer bouncer = PgBouncer.start(executable, directory, direct.database(), List.of())) {
      Throwable thrown = catchThrowable(() -> Cluster.builder().nodes(1)
          .property("pgjcache.jdbc.url", throughBouncer(direct, bouncer))
          .property("pgjcache.listen.url", directly(direct))
          .property("pgjcache.connection-timeout", "PT1S")
          .build().close());

      assertThat(thrown).isInstanceOf(CacheException.class)
          .hasMessageContaining("unsupported startup parameter")
          .hasMessageContaining("pgjcache.statement-timeout: set it to PT0S");
    }
  }

  private static Path executable() {
    Optional<Path> found = PgBouncer.executable();
    assumeTrue(found.isPresent(), "pgbouncer is not installed (apt-get install pgbouncer): PgBouncer tests skipped");
    return found.get();
  }

  /** Server-side prepared statements do not survive transaction pooling before PgBouncer 1.21. */
  private static String throughBouncer(Cluster direct, PgBouncer bouncer) {
    return direct.jdbcUrlVia("127.0.0.1", bouncer.port()) + "&prepareThreshold=0";
  }

  private static String directly(Cluster direct) {
    ListenTarget database = direct.database();
    return direct.jdbcUrlVia(database.host(), database.port());
  }
}
