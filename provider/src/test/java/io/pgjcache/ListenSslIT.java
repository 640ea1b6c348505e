package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.notify.ListenConnection;
import io.pgjcache.internal.notify.ListenTarget;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.NearCaching;
import io.pgjcache.testing.PrivatePostgres;
import io.pgjcache.testing.SelfSignedCertificate;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LISTEN connection encrypts with pgjdbc's SSL machinery, so it accepts and refuses exactly what the pool's
 * connections do: against a server with SSL on, the near caches of every node stay coherent over encrypted
 * LISTEN connections; the certificate checks of {@code verify-ca} and {@code verify-full} refuse a server they
 * cannot vouch for, as pgjdbc does; and a client certificate ({@code sslcert}, {@code sslkey}) lets it into a
 * server that demands one.
 */
class ListenSslIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String CERT_USER = "cert_user";
  private static final String CERT_PASSWORD = "cert-secret";

  @TempDir
  Path directory;

  @Test
  void require_encryptsEveryListenConnection_andInvalidationsFlow() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(directory, "server", "localhost");
    try (PrivatePostgres server = PrivatePostgres.startWithSsl(directory.resolve("data"), certificate)) {
      assertNearCachesStayCoherent(server, server.jdbcUrl() + "?sslmode=require");
    }
  }

  @Test
  void verifyFull_connects_whenTheRootCertificateVouchesForTheServerAndItsName() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(directory, "server", "localhost");
    try (PrivatePostgres server = PrivatePostgres.startWithSsl(directory.resolve("data"), certificate)) {
      assertNearCachesStayCoherent(server, server.jdbcUrl() + "?sslmode=verify-full&sslrootcert="
          + URLEncoder.encode(certificate.certificate().toString(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void verifyCa_andVerifyFull_refuseAServerTheyCannotVouchFor_asPgjdbcDoes() {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(directory, "server", "localhost");
    SelfSignedCertificate stranger = SelfSignedCertificate.create(directory, "stranger", "localhost");
    try (PrivatePostgres server = PrivatePostgres.startWithSsl(directory.resolve("data"), certificate)) {
      String trustingTheStranger = parameter("sslrootcert", stranger.certificate());
      String trustingTheServer = parameter("sslrootcert", certificate.certificate());
      String byAddress = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres";

      assertBothRefuse(server.jdbcUrl() + "?sslmode=verify-ca" + trustingTheStranger, "PKIX path");
      assertBothRefuse(byAddress + "?sslmode=verify-full" + trustingTheServer,
          "The hostname 127.0.0.1 could not be verified");
      // verify-ca checks the chain, not the name: the same address passes.
      assertBothOpen(byAddress + "?sslmode=verify-ca" + trustingTheServer);
      // Without sslrootcert, pgjdbc's default file; a value is always a file name, never a silent fallback.
      assertBothRefuse(server.jdbcUrl() + "?sslmode=verify-ca", "Could not open SSL root certificate file");
      assertBothRefuse(server.jdbcUrl() + "?sslmode=verify-full&sslrootcert=system",
          "Could not open SSL root certificate file system");
    }
  }

  @Test
  void require_refusesAServerWithoutSsl_whilePreferFallsBackToPlainText_asPgjdbcDoes() {
    try (PrivatePostgres server = PrivatePostgres.start(directory.resolve("data"))) {
      assertBothRefuse(server.jdbcUrl() + "?sslmode=require", "does not support SSL");
      assertBothOpen(server.jdbcUrl() + "?sslmode=prefer");
      assertBothOpen(server.jdbcUrl() + "?ssl=false");
      assertBothOpen(server.jdbcUrl());
    }
  }

  @Test
  void prefer_triesWithoutSsl_andAllow_triesWithSsl_whereTheServerAdmitsOnlyTheOther_asPgjdbcDoes()
      throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(directory, "server", "localhost");
    try (PrivatePostgres server = PrivatePostgres.startWithSsl(directory.resolve("data"), certificate, List.of(
        "hostnossl all plain_user 127.0.0.1/32 trust", "hostnossl all plain_user ::1/128 trust",
        "hostssl all ssl_user 127.0.0.1/32 trust", "hostssl all ssl_user ::1/128 trust"))) {
      try (Connection c = server.superuserConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE plain_user LOGIN");
        s.execute("CREATE ROLE ssl_user LOGIN");
      }
      String prefer = server.jdbcUrl() + "?sslmode=prefer&user=plain_user";
      String allow = server.jdbcUrl() + "?sslmode=allow&user=ssl_user";
      assertBothOpen(prefer);
      assertBothOpen(allow);

      try (ListenConnection plain = open(prefer, null, null);
          ListenConnection encrypted = open(allow, null, null)) {
        assertThat(sslSession(server, plain.backendPid()).get(0)).as("prefer, SSL refused").isEqualTo(false);
        assertThat(sslSession(server, encrypted.backendPid()).get(0)).as("allow, plain refused").isEqualTo(true);
      }
    }
  }

  @Test
  void verifyFull_withAClientCertificate_opensTheListenConnection_whereTheServerDemandsOne() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(directory, "server", "localhost");
    SelfSignedCertificate client = SelfSignedCertificate.create(directory, "client", CERT_USER);
    try (PrivatePostgres server =
             PrivatePostgres.startRequiringClientCertificates(directory.resolve("data"), certificate, client)) {
      createCertUser(server);
      // channelBinding=require: SCRAM binds to the SSL channel (SCRAM-SHA-256-PLUS), or the connection fails.
      String url = server.jdbcUrl() + "?sslmode=verify-full&channelBinding=require"
          + parameter("sslrootcert", certificate.certificate()) + parameter("sslcert", client.certificate())
          + parameter("sslkey", client.key());

      try (ListenConnection connection = open(url, CERT_USER, CERT_PASSWORD)) {
        assertThat(sslSession(server, connection.backendPid()))
            .as("the server's view: encrypted, with the client certificate's name")
            .containsExactly(true, "/CN=" + CERT_USER);
        connection.listen("over_client_certificate");
      }
      try (Connection pooled = DriverManager.getConnection(url, CERT_USER, CERT_PASSWORD)) {
        assertThat(pooled.isValid(5)).as("pgjdbc accepts the same URL").isTrue();
      }
    }
  }

  @Test
  void aMissingOrStrangeClientCertificate_isRefused_withoutRevealingThePasswordOrTheKey() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(directory, "server", "localhost");
    SelfSignedCertificate client = SelfSignedCertificate.create(directory, "client", CERT_USER);
    SelfSignedCertificate stranger = SelfSignedCertificate.create(directory, "stranger", CERT_USER);
    try (PrivatePostgres server =
             PrivatePostgres.startRequiringClientCertificates(directory.resolve("data"), certificate, client)) {
      createCertUser(server);
      String verified = server.jdbcUrl() + "?sslmode=verify-full"
          + parameter("sslrootcert", certificate.certificate());
      String strangeKey = Files.readString(stranger.key());

      assertThatThrownBy(() -> open(verified, CERT_USER, CERT_PASSWORD).close())
          .as("no client certificate")
          .isInstanceOf(IOException.class)
          .hasMessageContaining("28000")
          .hasMessageContaining("certificate")
          .hasMessageNotContaining(CERT_PASSWORD);
      assertThatThrownBy(() -> open(verified + parameter("sslcert", stranger.certificate())
          + parameter("sslkey", stranger.key()), CERT_USER, CERT_PASSWORD).close())
          .as("a client certificate the server does not trust")
          .isInstanceOf(IOException.class)
          // The server's alert, or (when it closed the connection before the alert was read) the hint
          .hasMessageMatching("(?s).*(unknown_ca|the client certificate offered, sslcert=.*stranger\\.crt).*")
          .hasMessageNotContaining(CERT_PASSWORD)
          .satisfies(e -> assertThat(fullText(e)).doesNotContain(CERT_PASSWORD, "PRIVATE KEY",
              strangeKey.lines().skip(1).findFirst().orElseThrow()));
    }
  }

  private void assertNearCachesStayCoherent(PrivatePostgres server, String jdbcUrl) throws SQLException {
    try (Cluster cluster = Cluster.builder().nodes(2)
        .property("pgjcache.jdbc.url", jdbcUrl)
        .property("pgjcache.jdbc.user", "postgres")
        .build()) {
      List<Cache<String, String>> caches = cluster.cache("over-ssl",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      caches.get(0).put("k", "v1");
      NearCaching.awaitNearCached(cluster.dataSource(0), caches, List.of("k"));
      caches.get(0).put("k", "v2");
      await("B hears A's change").atMost(TIMEOUT).until(() -> "v2".equals(caches.get(1).get("k")));

      assertThat(listenerEncryption(server)).as("ssl of each LISTEN connection").containsExactly(true, true);
    }
  }

  private static List<Boolean> listenerEncryption(PrivatePostgres server) throws SQLException {
    List<Boolean> encrypted = new ArrayList<>();
    try (Connection c = server.superuserConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid)"
            + " WHERE application_name = 'pgjcache-listener'")) {
      while (rs.next()) {
        encrypted.add(rs.getBoolean(1));
      }
    }
    return encrypted;
  }

  /** pgjdbc and the listen connection both refuse the URL, for the same reason. */
  private static void assertBothRefuse(String jdbcUrl, String reason) {
    assertThatThrownBy(() -> DriverManager.getConnection(jdbcUrl, "postgres", null).close())
        .as("pgjdbc: " + jdbcUrl)
        .isInstanceOf(SQLException.class)
        .hasMessageContaining(reason);
    assertThatThrownBy(() -> open(jdbcUrl, "postgres", null).close())
        .as("listen connection: " + jdbcUrl)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(reason);
  }

  private static void assertBothOpen(String jdbcUrl) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", null)) {
      assertThat(connection.isValid(5)).as("pgjdbc: " + jdbcUrl).isTrue();
    } catch (SQLException e) {
      throw new AssertionError("expected pgjdbc to open " + jdbcUrl + ": " + e.getMessage(), e);
    }
    try {
      open(jdbcUrl, "postgres", null).close();
    } catch (IOException e) {
      throw new AssertionError("expected the listen connection to open " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  private static ListenConnection open(String jdbcUrl, String user, String password) throws IOException {
    return ListenConnection.open(ListenTarget.fromJdbcUrl(jdbcUrl, user, password), TIMEOUT, "pgjcache-test");
  }

  private static String parameter(String name, Path file) {
    return "&" + name + "=" + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8);
  }

  private static void createCertUser(PrivatePostgres server) throws SQLException {
    try (Connection c = server.superuserConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + CERT_USER + " LOGIN PASSWORD '" + CERT_PASSWORD + "'");
    }
  }

  /** Whether the backend's session is encrypted, and the client certificate's name it saw. */
  private static List<Object> sslSession(PrivatePostgres server, int backendPid) throws SQLException {
    try (Connection c = server.superuserConnection();
        PreparedStatement s = c.prepareStatement("SELECT ssl, client_dn FROM pg_stat_ssl WHERE pid = ?")) {
      s.setInt(1, backendPid);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("a session with pid " + backendPid).isTrue();
        return Arrays.asList(rs.getBoolean(1), rs.getString(2));
      }
    }
  }

  /** The messages of an exception, its causes and everything suppressed along the way. */
  private static String fullText(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t).append('\n');
      for (Throwable suppressed : t.getSuppressed()) {
        text.append(fullText(suppressed));
      }
    }
    return text.toString();
  }
}
