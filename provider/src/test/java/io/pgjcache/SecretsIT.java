package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.LogCapture;
import io.pgjcache.testing.PrivatePostgres;
import io.pgjcache.testing.Throwables;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password never shows: not in exception messages, not in any cause, not in what the provider,
 * HikariCP or pgjdbc log, against a server that really checks passwords.
 */
class SecretsIT {
  private static final String ROLE = "cache_app";
  private static final String RIGHT_PASSWORD = "Right-" + UUID.randomUUID();
  private final String wrongPassword = "Wrong-" + UUID.randomUUID();

  @TempDir
  static Path dataDirectory;

  private static PrivatePostgres server;

  @BeforeAll
  static void startServer() throws SQLException {
    server = PrivatePostgres.startRequiringPasswords(dataDirectory);
    try (Connection connection = server.superuserConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + RIGHT_PASSWORD + "'");
      statement.execute("GRANT CREATE ON DATABASE postgres TO " + ROLE);
    }
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void rightPassword_works() {
    try (CacheManager manager = manager("right", credentials(RIGHT_PASSWORD))) {
      Cache<String, String> cache = manager.createCache("c",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");
    }
  }

  @Test
  void wrongPassword_failsWithLoginError_thatShowsNoPassword() {
    // Even pgjdbc's protocol trace is safe here: SCRAM never sends the password itself.
    assertRejectedWithoutTrace(credentials(wrongPassword), "io.pgjcache", "org.postgresql");
  }

  @Test
  void wrongPasswordInUrl_failsWithLoginError_thatShowsNoPassword() {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.jdbc.url", server.jdbcUrl() + "?user=" + ROLE + "&password=" + wrongPassword);
    properties.setProperty("pgjcache.connection-timeout", "PT1S");

    // pgjdbc itself logs the URL it connects with at FINE, password included: that is why
    // pgjcache.jdbc.password is the better place for it. At its default level pgjdbc says nothing.
    assertRejectedWithoutTrace(properties, "io.pgjcache");
  }

  private void assertRejectedWithoutTrace(Properties properties, String... verboseLoggers) {
    Throwable thrown;
    String logged;
    try (LogCapture logs = LogCapture.start(verboseLoggers)) {
      thrown = catchThrowable(() -> manager("wrong", properties));
      logged = logs.text();
    }

    assertThat(thrown).isInstanceOf(CacheException.class)
        .hasMessageContaining("login rejected")
        .hasMessageContaining("[SQLState 28P01]")
        .hasMessageContaining("password authentication failed for user \"" + ROLE + "\"");
    assertThat(Throwables.chain(thrown)).anySatisfy(cause -> assertThat(cause).isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed"));
    assertThat(Throwables.everythingPrinted(thrown)).doesNotContain(wrongPassword);
    assertThat(logged).as("captured log output").doesNotContain(wrongPassword)
        // The effective configuration is logged at DEBUG: proof that the capture saw the provider.
        .contains("ManagerSettings[");
  }

  private static Properties credentials(String password) {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.jdbc.url", server.jdbcUrl());
    properties.setProperty("pgjcache.jdbc.user", ROLE);
    properties.setProperty("pgjcache.jdbc.password", password);
    properties.setProperty("pgjcache.connection-timeout", "PT1S");
    return properties;
  }

  private static CacheManager manager(String name, Properties properties) {
    return Cluster.provider().getCacheManager(URI.create("test:secrets-" + name + "-" + UUID.randomUUID()),
        SecretsIT.class.getClassLoader(), properties);
  }
}
