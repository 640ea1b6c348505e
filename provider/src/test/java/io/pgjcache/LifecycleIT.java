package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.configuration.Setting;
import io.pgjcache.internal.store.Identifiers;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.TableLock;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** Opening and closing a manager while other threads use it, and what a manager keeps alive. */
class LifecycleIT {
  private static final Duration WITHIN = Duration.ofSeconds(20);

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  /**
   * A close() that takes the lifecycle lock before a waiting createCache() leaves nothing open behind it: the
   * createCache() that checked "open" before close() began must fail once it gets the lock.
   */
  @Test
  void createCache_queuedBehindClose_failsAndLeavesNoOpenCache() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      Properties settings = new Properties();
      settings.setProperty(Setting.STATEMENT_TIMEOUT.key(), "PT60S");
      CacheManager manager = cluster.newNode("racing", settings);
      String registry = Identifiers.qualified(cluster.schema(), "caches");
      Thread first;
      Thread closing;
      Thread second;
      AtomicReference<Object> secondOutcome = new AtomicReference<>();
      try (TableLock lock = TableLock.on(cluster.dataSource(), registry)) {
        // The first createCache holds the lifecycle lock while it waits for the registry table.
        first = start("first", () -> manager.createCache("first", strings()));
        await("first createCache waits for the registry").atMost(WITHIN)
            .until(() -> waitersOnTable(cluster, registry) > 0);
        closing = start("closing", manager::close);
        await("close() waits for the lifecycle lock").atMost(WITHIN).until(() -> isParked(closing));
        second = start("second", () -> {
          try {
            secondOutcome.set(manager.createCache("second", strings()));
          } catch (RuntimeException e) {
            secondOutcome.set(e);
          }
        });
        await("second createCache waits for the lifecycle lock").atMost(WITHIN).until(() -> isParked(second));
      }
      for (Thread thread : List.of(first, closing, second)) {
        thread.join(WITHIN.toMillis());
      }
      assertThat(manager.isClosed()).isTrue();
      assertThat(secondOutcome.get()).as("what the second createCache gave")
          .isInstanceOf(IllegalStateException.class);
    }
  }

  /**
   * The first cache with a near cache starts the LISTEN connection and waits for it to connect; other calls on the
   * manager must not wait behind that. Here the LISTEN address answers nothing, so the wait lasts its full timeout.
   */
  @Test
  void createCache_doesNotWaitBehindTheFirstListenConnect() throws Exception {
    try (Cluster cluster = Cluster.of(1); SilentServer silent = new SilentServer()) {
      Properties settings = new Properties();
      settings.setProperty(Setting.LISTEN_URL.key(), cluster.jdbcUrlVia(silent.host(), silent.port()));
      settings.setProperty(Setting.CONNECTION_TIMEOUT.key(), "PT60S");
      CacheManager manager = cluster.newNode("silent-listen", settings);
      Thread nearCached = start("near-cached", () -> manager.createCache("near", strings()));
      try {
        await("the LISTEN connection reached the silent server").atMost(WITHIN).until(() -> silent.accepted() > 0);
        CompletableFuture<Cache<String, String>> plain = CompletableFuture.supplyAsync(() ->
            manager.createCache("plain", new PgCacheConfiguration<>(strings()).setNearCacheEnabled(false)));
        await("a cache without near cache opens meanwhile").atMost(WITHIN).until(plain::isDone);
        assertThat(plain.join().isClosed()).isFalse();
        assertThat(nearCached.isAlive()).as("the first createCache still waits for its LISTEN connection").isTrue();
      } finally {
        nearCached.interrupt();
        nearCached.join(WITHIN.toMillis());
        manager.close();
      }
    }
  }

  /** An application that drops its class loader without closing its manager does not leak the loader. */
  @Test
  void manager_doesNotKeepItsClassLoaderAlive() throws Exception {
    try (Cluster cluster = Cluster.of(1)) {
      ClassLoader throwaway = new URLClassLoader(new URL[0], getClass().getClassLoader());
      WeakReference<ClassLoader> loader = new WeakReference<>(throwaway);
      CacheManager manager = Cluster.provider().getCacheManager(URI.create("test:" + cluster.schema() + "-loader"),
          throwaway, cluster.properties());
      try {
        Cache<String, String> cache = manager.createCache("loaded", strings());
        cache.put("k", "v");
        assertThat(cache.get("k")).isEqualTo("v");
        throwaway = null;
        await("the class loader is collected").atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
          System.gc();
          return loader.get() == null;
        });
        assertThat(cache.get("k")).as("the cache still works").isEqualTo("v");
      } finally {
        manager.close();
      }
    }
  }

  private static Thread start(String name, Runnable work) {
    Thread thread = new Thread(work, "lifecycle-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Parked on a lock (the lifecycle lock: nothing else these threads do before it parks). */
  private static boolean isParked(Thread thread) {
    return thread.getState() == Thread.State.WAITING;
  }

  private static int waitersOnTable(Cluster cluster, String table) throws SQLException {
    try (Connection connection = cluster.dataSource().getConnection();
        PreparedStatement select = connection.prepareStatement(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = to_regclass(?)")) {
      select.setString(1, table);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  /** Accepts connections and never says a word, like a server that hangs during the handshake. */
  private static final class SilentServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    SilentServer() throws IOException {
      start("silent-server", () -> {
        try {
          while (!server.isClosed()) {
            sockets.add(server.accept());
          }
        } catch (IOException e) {
          // closed
        }
      });
    }

    String host() {
      return server.getInetAddress().getHostAddress();
    }

    int port() {
      return server.getLocalPort();
    }

    int accepted() {
      return sockets.size();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
