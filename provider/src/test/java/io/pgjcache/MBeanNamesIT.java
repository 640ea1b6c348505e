package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.internal.management.MBeans;
import io.pgjcache.internal.management.MBeans.Type;
import io.pgjcache.testing.Cluster;
import java.lang.management.ManagementFactory;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Every cache gets statistics and configuration MBeans of its own, whatever characters its name holds. */
class MBeanNamesIT {
  /** Each special character of ObjectName values, and the name the old mapping gave them all. */
  private static final List<String> NAMES = List.of("j\"x", "j,x", "j=x", "j:x", "j*x", "j?x", "j\nx", "j.x");
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @Test
  void cachesWhoseNamesDifferOnlyInSpecialCharacters_eachHaveTheirOwnBeans() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      CacheManager node = cluster.node(0);
      for (String name : NAMES) {
        node.createCache(name, new MutableConfiguration<String, String>()
            .setStatisticsEnabled(true).setManagementEnabled(true));
      }
      Cache<String, String> comma = node.getCache("j,x");
      comma.put("k", "v");
      comma.put("k2", "v");

      for (String name : NAMES) {
        for (Type type : Type.values()) {
          ObjectName objectName = MBeans.name(type, node.getURI(), name);
          assertThat(objectName.isPattern()).as("%s", objectName).isFalse();
          assertThat(server.isRegistered(objectName)).as("%s of %s", type, name).isTrue();
        }
        assertThat(server.getAttribute(MBeans.name(Type.STATISTICS, node.getURI(), name), "CachePuts"))
            .as("puts of %s", name).isEqualTo(name.equals("j,x") ? 2L : 0L);
      }
      assertThat(server.queryNames(new ObjectName("javax.cache:type=CacheStatistics,*"), null).stream()
          .filter(n -> n.getKeyProperty("CacheManager").contains(cluster.schema()))).hasSize(NAMES.size());

      node.destroyCache("j,x");

      assertThat(server.isRegistered(MBeans.name(Type.STATISTICS, node.getURI(), "j,x"))).isFalse();
      for (String other : NAMES.subList(2, NAMES.size())) {
        assertThat(server.isRegistered(MBeans.name(Type.STATISTICS, node.getURI(), other))).as(other).isTrue();
      }
    }
  }

  @Test
  void aNameThatIsALegalValue_isUsedAsItIs_asMonitoringToolsLookItUp() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      CacheManager node = cluster.node(0);
      String name = "books/2024 v1.x-ü";
      node.createCache(name, new MutableConfiguration<String, String>().setStatisticsEnabled(true));
      // How Micrometer's JCacheMetrics builds the name it reads.
      ObjectName lookedUp = new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
          + node.getURI().toString().replace(':', '.') + ",Cache=" + name);

      assertThat(server.isRegistered(lookedUp)).isTrue();
    }
  }
}
