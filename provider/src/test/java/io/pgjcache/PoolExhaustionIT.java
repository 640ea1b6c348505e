package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import io.pgjcache.testing.Cluster;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** A full pool is reported as a full pool, with its figures and the setting to change, not as an outage. */
class PoolExhaustionIT {

  @Test
  void withThePoolHeldFull_operationsFailNamingThePoolsFiguresAndSize_notAnOutage() throws Exception {
    try (Cluster cluster = Cluster.builder().property(Setting.POOL_SIZE.key(), "2")
        .property(Setting.CONNECTION_TIMEOUT.key(), "PT0.5S").build()) {
      Cache<String, String> cache = cluster.node(0).createCache("orders", new MutableConfiguration<>());
      cache.put("present", "v");
      List<Connection> held = new ArrayList<>();
      try {
        held.add(cluster.dataSource(0).getConnection());
        held.add(cluster.dataSource(0).getConnection());

        assertThatThrownBy(() -> cache.get("absent"))
            .isInstanceOf(CacheException.class)
            .hasMessageContaining("orders")
            .hasMessageContaining("connection pool exhausted")
            .hasMessageContaining("total=2, active=2, idle=0")
            .hasMessageContaining(Setting.POOL_SIZE.key())
            .hasMessageNotContaining("database unavailable");
      } finally {
        for (Connection connection : held) {
          connection.close();
        }
      }
      assertThat(cache.get("absent")).isNull();
      assertThat(cache.containsKey("present")).isTrue();
    }
  }
}
