package io.pgjcache.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.spi.DefaultDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The artifact as the provider sees it: found by {@link ServiceLoader}, one PostgreSQL 18 for the whole JVM
 * however many managers ask at once, and one log line saying it started. The only test class of this module
 * that touches the server, so that it is the one that starts it.
 */
class EmbeddedDefaultDatabaseIT {
  /** The JUL logger behind the server's System.Logger (no other logging backend is on this class path). */
  private static final Logger SERVER_LOG = Logger.getLogger(EmbeddedServer.class.getName());

  @Test
  void serviceLoaderFindsIt_concurrentCallersShareOneServer_andTheStartIsLoggedOnce() throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler recorder = new Handler() {
      @Override
      public void publish(LogRecord logRecord) {
        if (logRecord.getLevel().intValue() >= Level.INFO.intValue()) {
          logged.add(logRecord.getMessage());
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    SERVER_LOG.addHandler(recorder);
    ExecutorService managers = Executors.newFixedThreadPool(2);
    try {
      List<DefaultDatabase> found = ServiceLoader.load(DefaultDatabase.class, getClass().getClassLoader())
          .stream().map(ServiceLoader.Provider::get).toList();
      assertThat(found).singleElement().isInstanceOf(EmbeddedDefaultDatabase.class);

      // Two managers starting together, each with a provider instance of its own.
      CountDownLatch bothReady = new CountDownLatch(2);
      List<Future<String>> urls = List.of(
          managers.submit(() -> urlAfter(bothReady, new EmbeddedDefaultDatabase())),
          managers.submit(() -> urlAfter(bothReady, new EmbeddedDefaultDatabase())));
      String url = urls.get(0).get(5, TimeUnit.MINUTES);
      assertThat(urls.get(1).get(5, TimeUnit.MINUTES)).isEqualTo(url);
      assertThat(found.get(0).jdbcUrl()).isEqualTo(url);

      try (Connection connection = DriverManager.getConnection(url);
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).as("PostgreSQL major version").isEqualTo(18);
      }
      assertThat(logged).singleElement().asString()
          .startsWith("pgjcache: started an embedded PostgreSQL on port ")
          .contains("discarded when this JVM exits");
    } finally {
      managers.shutdownNow();
      SERVER_LOG.removeHandler(recorder);
    }
  }

  private static String urlAfter(CountDownLatch bothReady, DefaultDatabase database) throws InterruptedException {
    bothReady.countDown();
    bothReady.await();
    return database.jdbcUrl();
  }
}
