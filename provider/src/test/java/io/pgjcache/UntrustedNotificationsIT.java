package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.store.Identifiers;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Intruders;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.Operator;
import io.pgjcache.testing.TableLock;
import io.pgjcache.testing.Tables;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import org.junit.jupiter.api.Test;

/**
 * Any database user may NOTIFY the provider's channels. Payloads that are not ours are dropped: they neither
 * end the listener (which would clear every near cache of the node) nor make it deserialize anything a row
 * could not hold.
 */
class UntrustedNotificationsIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  static final Set<String> INITIALIZED = ConcurrentHashMap.newKeySet();

  /** Has the shape of {@link Intruder}; its bytes are rewritten to name that class. */
  static final class Template implements Serializable {
    private static final long serialVersionUID = 1L;
    int payload = 1;
  }

  static final class Intruder implements Serializable {
    private static final long serialVersionUID = 1L;
    int payload;

    static {
      INITIALIZED.add("Intruder");
    }
  }

  @Test
  void garbageOnBothChannels_leavesNearCopiesInPlace_andTheListenerDeliversLaterChanges() throws Exception {
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, String>> caches = cluster.cache("orders",
          new PgCacheConfiguration<String, String>().setClusterEvents(true));
      Cache<String, String> a = caches.get(0);
      Cache<String, String> b = caches.get(1);
      a.put("held", "v");
      b.put("marker", "old");
      NearCaching.awaitNearCached(cluster.dataSource(), a, "held");
      NearCaching.awaitNearCached(cluster.dataSource(), a, "marker");
      int id = cacheId(cluster, "orders");
      String invalidations = Identifiers.channel(cluster.schema());
      String events = Identifiers.eventsChannel(cluster.schema());

      for (String garbage : List.of("", "garbage", "x *", "-1 *", "99999999999999999999 *", id + "", id + " ",
          id + " !!!not-base64", id + "  ", id + " " + Base64.getEncoder().encodeToString(new byte[5]))) {
        notify(cluster, invalidations, garbage);
      }
      for (String garbage : List.of("", "junk", id + " node C !!!not-base64 - -", id + " node X a2V5 - -",
          id + " node C a2V5 - - extra", id + " node C - - -", id + " node C a2V5 !!! -", "1 2 3 4 5 6")) {
        notify(cluster, events, garbage);
      }
      b.put("marker", "new");

      await("the later change heard on A").atMost(WAIT).until(() -> "new".equals(a.get("marker")));
      try (TableLock lock = TableLock.on(cluster.dataSource(), Tables.tableName(a))) {
        assertThat(lock.fromMemory("get of the held entry", () -> a.get("held"))).isEqualTo("v");
      }
    }
  }

  @Test
  void anEventCarryingAClassNoRowCouldHold_isNotDelivered_andTheClassIsNeverInitialized() throws Exception {
    try (Cluster cluster = Cluster.of(2)) {
      List<Cache<String, String>> caches = cluster.cache("events",
          new PgCacheConfiguration<String, String>().setClusterEvents(true));
      List<String> heard = new CopyOnWriteArrayList<>();
      caches.get(0).registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(new Recorder(heard)), null, true, true));
      byte[] intruder = Intruders.encodedAs(new Template(), Template.class.getName().replace("Template", "Intruder"));
      Base64.Encoder base64 = Base64.getEncoder();

      notify(cluster, Identifiers.eventsChannel(cluster.schema()), cacheId(cluster, "events") + " stranger C "
          + base64.encodeToString(Operator.encoded("forged")) + " " + base64.encodeToString(intruder) + " -");
      caches.get(1).put("real", "value");

      await("the real event heard on A").atMost(WAIT).until(() -> heard.contains("real=value"));
      assertThat(heard).containsExactly("real=value");
      assertThat(INITIALIZED).isEmpty();
    }
  }

  private static int cacheId(Cluster cluster, String name) throws Exception {
    try (Connection c = cluster.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM " + Identifiers.quote(cluster.schema())
            + ".caches WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** What any database user can do: {@code SELECT pg_notify(channel, payload)}. */
  private static void notify(Cluster cluster, String channel, String payload) throws Exception {
    try (Connection c = cluster.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.execute();
    }
  }

  /** Records created entries as {@code key=value}. */
  static final class Recorder implements CacheEntryCreatedListener<String, String>, Serializable {
    private final List<String> heard;

    Recorder(List<String> heard) {
      this.heard = heard;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        heard.add(event.getKey() + "=" + event.getValue());
      }
    }
  }
}
