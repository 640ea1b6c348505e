package io.pgjcache.spi;

/**
 * A database that the provider falls back on when a manager is given neither a JDBC URL (in its
 * properties, its configuration file or the environment) nor a {@code DataSource}.
 *
 * <p>The provider finds implementations with {@link java.util.ServiceLoader} on the manager's
 * {@code ClassLoader} (a line in {@code META-INF/services/io.pgjcache.spi.DefaultDatabase}) and uses the
 * first one listed. {@code io.pgjcache:pgjcache-embedded} registers one that starts a private PostgreSQL;
 * without any, such a manager fails to start and says what to configure. Meant for demos, tests and local
 * development: production configures a JDBC URL.
 *
 * <p>Implementations need a public no-argument constructor and must be safe to call from any thread: the
 * provider creates an instance for every manager that falls back, so state shared between managers (a
 * running server) belongs in static fields.
 */
public interface DefaultDatabase {
  /**
   * The JDBC URL of the database, credentials included, ready to accept connections when this returns.
   * May start the database on the first call. A failure is reported as an unchecked exception, which the
   * provider hands on as the cause of the manager's {@code CacheException}.
   */
  String jdbcUrl();
}
