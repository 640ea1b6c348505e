package io.pgjcache.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.embedded.EmbeddedDefaultDatabase;
import io.pgjcache.embedded.EmbeddedServer;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.LogCapture;
import java.util.List;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** With pgjcache-embedded on the class path, a manager that has no JDBC URL anywhere runs on its private PostgreSQL. */
class DefaultDatabasesIT {
  @Test
  void managerWithoutJdbcUrl_runsOnTheEmbeddedServer_andLogsThatItDoes() {
    try (LogCapture log = LogCapture.start(DefaultDatabases.class.getName());
        // An explicit empty URL wins over a PGJCACHE_JDBC_URL in the environment: no URL anywhere.
        Cluster cluster = Cluster.builder().nodes(2).property("pgjcache.jdbc.url", "").build()) {
      String embedded = EmbeddedServer.jdbcUrl();
      assertThat(((HikariDataSource) cluster.dataSource(0)).getJdbcUrl()).isEqualTo(embedded);
      assertThat(((HikariDataSource) cluster.dataSource(1)).getJdbcUrl()).isEqualTo(embedded);

      List<Cache<String, String>> caches = cluster.cache("c", new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class));
      caches.get(0).put("k", "v");
      assertThat(caches.get(1).get("k")).isEqualTo("v");

      assertThat(log.text())
          .contains("manager test_" + cluster.schema() + "-node-0 has no pgjcache.jdbc.url; it uses the default "
              + "database of " + EmbeddedDefaultDatabase.class.getName())
          .contains("manager test_" + cluster.schema() + "-node-1 has no pgjcache.jdbc.url");
    }
  }
}
