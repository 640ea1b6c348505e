package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.configuration.Setting;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NodeProcess;
import io.pgjcache.testing.SecondProcess;
import io.pgjcache.testing.TableLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs on one database: the second near-caches a key, the first changes it, the second sees the change. */
class TwoProcessesIT {
  private static final Duration ANSWERS_WITHIN = Duration.ofSeconds(10);
  private static final Duration FROM_MEMORY_WITHIN = Duration.ofSeconds(3);

  @TempDir
  Path workDirectory;

  @Test
  void changeInOneProcess_isSeenByAnotherProcessThatHadTheValueNearCached() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      Cache<String, String> here = cluster.node(0).createCache("two-processes",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      here.put("k", "v1");

      try (SecondProcess there = SecondProcess.start("two-processes", environmentFor(cluster), workDirectory)) {
        assertThat(there.ask("get k", ANSWERS_WITHIN)).isEqualTo("v1");
        try (TableLock lock = TableLock.on(cluster.dataSource(0), here.unwrap(PgCache.class).getTableName())) {
          assertThat(there.ask("get k", FROM_MEMORY_WITHIN)).as("answered from its near cache").isEqualTo("v1");
        }

        here.put("k", "v2");
        await("the other process sees the change").atMost(Duration.ofSeconds(5))
            .until(() -> there.ask("get k", ANSWERS_WITHIN).equals("v2"));

        assertThat(there.ask("put k v3", ANSWERS_WITHIN)).isEqualTo("ok");
        await("and the other way round").atMost(Duration.ofSeconds(5)).until(() -> "v3".equals(here.get("k")));
        here.remove("k");
        await("removal seen there").atMost(Duration.ofSeconds(5))
            .until(() -> there.ask("get k", ANSWERS_WITHIN).equals(NodeProcess.ABSENT));

        assertThat(there.exit(ANSWERS_WITHIN)).as("exit code").isZero();
      }
    }
  }

  /** The same database and schema as this JVM's nodes, as environment variables the provider reads. */
  private static Map<String, String> environmentFor(Cluster cluster) {
    HikariDataSource pool = (HikariDataSource) cluster.dataSource(0);
    Map<String, String> environment = new HashMap<>();
    environment.put(Setting.JDBC_URL.environmentVariable(), pool.getJdbcUrl());
    environment.put(Setting.SCHEMA.environmentVariable(), cluster.schema());
    if (pool.getUsername() != null) {
      environment.put(Setting.JDBC_USER.environmentVariable(), pool.getUsername());
    }
    if (pool.getPassword() != null) {
      environment.put(Setting.JDBC_PASSWORD.environmentVariable(), pool.getPassword());
    }
    return environment;
  }
}
