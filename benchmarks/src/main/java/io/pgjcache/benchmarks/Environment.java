package io.pgjcache.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * What a published figure must carry: the versions of everything measured and the machine it ran on.
 *
 * @param database where the database runs; never the URL itself, which may hold a password
 */
public record Environment(String java, String postgres, String pgjcache, int processors, String os, String database,
    Instant measuredAt) {

  static Environment describe(DataSource dataSource, boolean embedded) {
    return new Environment(
        System.getProperty("java.vm.name") + " " + Runtime.version(),
        serverVersion(dataSource),
        pgjcacheVersion(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        embedded ? "embedded PostgreSQL on the same machine (no PGJCACHE_JDBC_URL)" : "server named by PGJCACHE_JDBC_URL",
        Instant.now().truncatedTo(ChronoUnit.MINUTES));
  }

  /** The version the PostgreSQL server reports. */
  public static String serverVersion(DataSource dataSource) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the PostgreSQL version: " + e.getMessage(), e);
    }
  }

  /** The project version this driver was built with, which is the provider's (one reactor, one version). */
  private static String pgjcacheVersion() {
    Properties build = new Properties();
    try (InputStream in = Environment.class.getResourceAsStream("build.properties")) {
      if (in == null) {
        return "unknown";
      }
      build.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return build.getProperty("pgjcache.version", "unknown");
  }
}
