package io.pgjcache.internal.db;

import io.pgjcache.configuration.Setting;
import io.pgjcache.spi.DefaultDatabase;
import java.lang.System.Logger.Level;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import javax.cache.CacheException;

/**
 * The database of a manager that has no JDBC URL and no DataSource: the first {@link DefaultDatabase} that
 * the manager's ClassLoader lists (such as the private PostgreSQL of {@code io.pgjcache:pgjcache-embedded}),
 * or a failure that says what to configure. The provider never names an implementation.
 */
final class DefaultDatabases {
  private static final System.Logger LOG = System.getLogger(DefaultDatabases.class.getName());

  private DefaultDatabases() {
  }

  /** The JDBC URL of the default database, which may be started for the purpose. */
  static String jdbcUrl(String managerName, ClassLoader classLoader) {
    DefaultDatabase database;
    try {
      database = ServiceLoader.load(DefaultDatabase.class, classLoader).findFirst()
          .orElseThrow(() -> new CacheException("pgjcache: no database configured for manager " + managerName
              + ". Set " + Setting.JDBC_URL.key() + " (or the environment variable "
              + Setting.JDBC_URL.environmentVariable() + "), pass a DataSource as " + Setting.DATASOURCE.key()
              + ", or, for demos, tests and development, put io.pgjcache:pgjcache-embedded on the class path "
              + "for a private PostgreSQL."));
    } catch (ServiceConfigurationError e) {
      throw new CacheException("pgjcache: the default database registered for manager " + managerName
          + " cannot be loaded: " + e.getMessage(), e);
    }
    String name = database.getClass().getName();
    LOG.log(Level.DEBUG, () -> "pgjcache: manager " + managerName + " has no " + Setting.JDBC_URL.key()
        + "; it uses the default database of " + name);
    try {
      return database.jdbcUrl();
    } catch (RuntimeException e) {
      throw new CacheException("pgjcache: the default database of " + name + " did not start for manager "
          + managerName + ": " + e.getMessage(), e);
    }
  }
}
