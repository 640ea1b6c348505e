package io.pgjcache.internal.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.internal.config.ManagerSettings;
import io.pgjcache.internal.config.Secrets;
import java.time.Duration;
import java.util.Properties;
import javax.cache.CacheException;
import javax.sql.DataSource;
import org.postgresql.Driver;

/** Builds the DataSource a manager runs on: the application's own, or a HikariCP pool of ours. */
public final class ConnectionPools {
  private ConnectionPools() {
  }

  /** The DataSource to use, and whether the manager owns it (and so must close it). */
  public record Pool(DataSource dataSource, boolean owned, String description) {
    public void closeIfOwned() {
      if (owned && dataSource instanceof HikariDataSource hikari) {
        hikari.close();
      }
    }
  }

  /** Whether a pgjdbc URL sets the {@code options} startup parameter itself (pgjdbc's own parsing decides). */
  private static boolean setsOptions(String url) {
    Properties parsed = Driver.parseURL(url, null);
    return parsed != null && parsed.getProperty("options") != null;
  }

  public static Pool open(String managerName, ManagerSettings settings, ClassLoader classLoader) {
    if (settings.dataSource() != null) {
      return new Pool(settings.dataSource(), false, "the application's DataSource");
    }
    String url = settings.jdbcUrl();
    if (url == null) {
      url = DefaultDatabases.jdbcUrl(managerName, classLoader);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("pgjcache-" + managerName);
    config.setJdbcUrl(url);
    if (settings.user() != null) {
      config.setUsername(settings.user());
    }
    if (settings.password() != null) {
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(Math.min(2, settings.poolSize()));
    Duration connectionTimeout = settings.connectionTimeout();
    config.setConnectionTimeout(Math.max(250, connectionTimeout.toMillis()));
    config.setValidationTimeout(Math.max(250, Math.min(connectionTimeout.toMillis(), 5_000) / 2));
    // Start even while the database is down; operations then fail within the connection timeout
    // and succeed again as soon as it is back.
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("connectTimeout", Math.max(1, (int) connectionTimeout.toSeconds()));
    Duration statementTimeout = settings.statementTimeout();
    // Zero: no timeout of ours, and no "options" startup parameter, which PgBouncer refuses (a pooler in
    // transaction mode cannot keep a session setting anyway; the database role's own setting applies there).
    if (!statementTimeout.isZero()) {
      long statementMillis = statementTimeout.toMillis();
      // The server cancels a slow statement; the socket timeout catches a server that stopped answering.
      if (setsOptions(url)) {
        // pgjdbc takes a URL's own options over ours, which would drop the timeout without a word: set it on each
        // new connection instead (one round trip per connection the pool opens).
        config.setConnectionInitSql("SET statement_timeout = " + statementMillis);
      } else {
        config.addDataSourceProperty("options", "-c statement_timeout=" + statementMillis);
      }
      config.addDataSourceProperty("socketTimeout", Math.max(1, (int) (statementMillis / 1000) + 5));
    }
    // Read-modify-writes lock the rows they read and need READ COMMITTED: at REPEATABLE READ or above, one that meets a
    // row changed since its snapshot fails with a serialization error. HikariCP sets the level on each new connection
    // when the pool's first connection showed another default (nothing per borrow), and resets a connection handed
    // back with another level set through JDBC.
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.addDataSourceProperty("tcpKeepAlive", true);
    config.addDataSourceProperty("ApplicationName", "pgjcache");
    try {
      return new Pool(new HikariDataSource(config), true, "pool " + config.getPoolName());
    } catch (RuntimeException e) {
      // Typically no driver accepts the URL. HikariCP masks password parameters in its message.
      throw new CacheException("pgjcache: cannot create a connection pool for " + Secrets.maskUrl(url) + ": "
          + e.getMessage(), e);
    }
  }
}
