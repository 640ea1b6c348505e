package io.pgjcache.internal.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every password method of the listen connection against a PostgreSQL of its own, whose pg_hba.conf asks for
 * passwords: md5 (which PostgreSQL answers with SCRAM for roles whose password is stored as SCRAM) and
 * cleartext password. The shared test server lets everyone in without a password, so it cannot show these.
 */
class ListenAuthenticationIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String HBA = String.join("\n",
      "local all all trust",
      "host all postgres 127.0.0.1/32 trust",
      "host all postgres ::1/128 trust",
      "host all cleartext_user 127.0.0.1/32 password",
      "host all cleartext_user ::1/128 password",
      "host all all 127.0.0.1/32 md5",
      "host all all ::1/128 md5",
      "");
  /** What the server is given: composed, with a plain space. */
  private static final String UNICODE_PASSWORD = "m\u00e4dchen pass";
  /** A form that SASLprep turns into it: combining umlaut, no-break space, and a soft hyphen (mapped to nothing). */
  private static final String UNICODE_PASSWORD_UNPREPARED = "ma\u0308dchen\u00a0pa\u00adss";

  /**
   * A combining umlaut, which NFKC would compose, next to U+1F600, which Unicode 3.2 (SASLprep's tables) does not
   * assign: SASLprep refuses the password, so PostgreSQL hashes it unprepared, umlaut uncomposed.
   */
  private static final String UNASSIGNED_IN_SASLPREP_PASSWORD = "ma\u0308dchen \ud83d\ude00";

  private static EmbeddedPostgres server;

  @BeforeAll
  static void startServer() throws IOException, SQLException {
    server = EmbeddedPostgres.builder()
        .setDataDirectoryCustomizer(directory -> {
          try {
            Files.writeString(directory.toPath().resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        })
        .start();
    try (Connection admin = server.getPostgresDatabase().getConnection();
         Statement statement = admin.createStatement()) {
      statement.execute("SET password_encryption = 'scram-sha-256'");
      statement.execute("CREATE ROLE scram_user LOGIN PASSWORD 'scram-secret'");
      statement.execute("CREATE ROLE cleartext_user LOGIN PASSWORD 'clear-secret'");
      statement.execute("CREATE ROLE unicode_user LOGIN PASSWORD U&'" + unicodeEscaped(UNICODE_PASSWORD) + "'");
      statement.execute("CREATE ROLE unassigned_user LOGIN PASSWORD U&'"
          + unicodeEscaped(UNASSIGNED_IN_SASLPREP_PASSWORD) + "'");
      statement.execute("SET password_encryption = 'md5'");
      statement.execute("CREATE ROLE md5_user LOGIN PASSWORD 'md5-secret'");
      assertThat(storedPassword(statement, "scram_user")).startsWith("SCRAM-SHA-256$");
      assertThat(storedPassword(statement, "md5_user")).startsWith("md5");
    }
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void scramSha256_authenticates_andTheSessionListens() throws Exception {
    try (ListenConnection connection = ListenConnection.open(target("scram_user", "scram-secret"), TIMEOUT, "auth-test")) {
      assertSession(connection, "scram_user");

      connection.listen("auth_test");
      List<String> payloads = new CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> {
        try {
          connection.run((channel, payload, pid) -> payloads.add(payload), Duration.ofSeconds(30), TIMEOUT);
        } catch (IOException e) {
          payloads.add("failed: " + e.getMessage());
        }
      }, "auth-test-listen");
      reader.setDaemon(true);
      reader.start();
      try (Connection admin = server.getPostgresDatabase().getConnection();
           Statement statement = admin.createStatement()) {
        statement.execute("NOTIFY auth_test, 'hello'");
      }
      await().atMost(TIMEOUT).until(() -> !payloads.isEmpty());
      assertThat(payloads).containsExactly("hello");
    }
  }

  @Test
  void md5_authenticates() throws Exception {
    try (ListenConnection connection = ListenConnection.open(target("md5_user", "md5-secret"), TIMEOUT, "auth-test")) {
      assertSession(connection, "md5_user");
    }
  }

  @Test
  void cleartextPassword_authenticates() throws Exception {
    try (ListenConnection connection =
             ListenConnection.open(target("cleartext_user", "clear-secret"), TIMEOUT, "auth-test")) {
      assertSession(connection, "cleartext_user");
    }
  }

  @Test
  void scramPassword_isPreparedAsTheServerPreparedIt() throws Exception {
    try (ListenConnection connection =
             ListenConnection.open(target("unicode_user", UNICODE_PASSWORD_UNPREPARED), TIMEOUT, "auth-test")) {
      assertSession(connection, "unicode_user");
    }
  }

  @Test
  void scramPassword_thatSaslprepRefuses_isUsedUnprepared_asPostgresqlDoes() throws Exception {
    try (ListenConnection connection = ListenConnection.open(
        target("unassigned_user", UNASSIGNED_IN_SASLPREP_PASSWORD), TIMEOUT, "auth-test")) {
      assertSession(connection, "unassigned_user");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"scram_user", "md5_user", "cleartext_user"})
  void wrongPassword_failsWithTheServersError_withoutRevealingThePassword(String user) {
    String wrong = "not-the-password-of-" + user;

    assertThatThrownBy(() -> ListenConnection.open(target(user, wrong), TIMEOUT, "auth-test"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("28P01")
        .hasMessageContaining(user)
        .hasMessageNotContaining(wrong)
        .satisfies(e -> assertThat(e.getCause()).hasMessageNotContaining(wrong));
  }

  @ParameterizedTest
  @ValueSource(strings = {"scram_user", "md5_user", "cleartext_user"})
  void missingPassword_failsNamingTheUser(String user) {
    assertThatThrownBy(() -> ListenConnection.open(target(user, null), TIMEOUT, "auth-test"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no password is configured")
        .hasMessageContaining(user);
  }

  private static ListenTarget target(String user, String password) {
    return new ListenTarget("localhost", server.getPort(), "postgres", user, password);
  }

  /** The server's view of the session: the role it authenticated and the application name we sent. */
  private static void assertSession(ListenConnection connection, String user) throws SQLException {
    try (Connection admin = server.getPostgresDatabase().getConnection();
         PreparedStatement activity = admin.prepareStatement(
             "SELECT usename, application_name FROM pg_stat_activity WHERE pid = ?")) {
      activity.setInt(1, connection.backendPid());
      try (ResultSet row = activity.executeQuery()) {
        assertThat(row.next()).as("a session with the backend pid the server reported").isTrue();
        assertThat(row.getString(1)).isEqualTo(user);
        assertThat(row.getString(2)).isEqualTo("auth-test");
      }
    }
  }

  private static String storedPassword(Statement statement, String role) throws SQLException {
    try (ResultSet row = statement.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = '" + role + "'")) {
      row.next();
      return row.getString(1);
    }
  }

  /** The text as the body of a U&'' literal, every character escaped. */
  private static String unicodeEscaped(String text) {
    StringBuilder escaped = new StringBuilder();
    text.chars().forEach(c -> escaped.append(String.format("\\%04x", c)));
    return escaped.toString();
  }
}
