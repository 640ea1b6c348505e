package io.pgjcache.embedded;

import io.pgjcache.spi.DefaultDatabase;

/**
 * Offers the provider this JVM's {@link EmbeddedServer} as the database of every manager that has no JDBC
 * URL configured. Registered in {@code META-INF/services/io.pgjcache.spi.DefaultDatabase}, so putting this
 * artifact on the class path is all it takes.
 */
public final class EmbeddedDefaultDatabase implements DefaultDatabase {
  /** Called by {@link java.util.ServiceLoader}. */
  public EmbeddedDefaultDatabase() {
  }

  @Override
  public String jdbcUrl() {
    return EmbeddedServer.jdbcUrl();
  }
}
