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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LISTEN connection encrypts as the URL's {@code sslmode} asks, like the data connections: against a server
 * with SSL on, the near caches of every node stay coherent over encrypted LISTEN connections, and the
 * certificate checks of {@code verify-ca} and {@code verify-full} refuse a server they cannot vouch for.
 */
class ListenSslIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

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
  void verifyCa_andVerifyFull_refuseAServerTheyCannotVouchFor() {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(directory, "server", "localhost");
    SelfSignedCertificate stranger = SelfSignedCertificate.create(directory, "stranger", "localhost");
    try (PrivatePostgres server = PrivatePostgres.startWithSsl(directory.resolve("data"), certificate)) {
      String trustingTheStranger = "&sslrootcert="
          + URLEncoder.encode(stranger.certificate().toString(), StandardCharsets.UTF_8);
      String trustingTheServer = "&sslrootcert="
          + URLEncoder.encode(certificate.certificate().toString(), StandardCharsets.UTF_8);
      String byAddress = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres";

      assertRefused(server.jdbcUrl() + "?sslmode=verify-ca" + trustingTheStranger,
          "the server's certificate fails the sslmode=verify-ca check (trusted: sslrootcert " + stranger.certificate());
      assertRefused(byAddress + "?sslmode=verify-full" + trustingTheServer, "sslmode=verify-full");
      assertRefused(byAddress + "?sslmode=verify-full" + trustingTheServer, "127.0.0.1");
      // verify-ca checks the chain, not the name: the same address passes.
      assertOpens(byAddress + "?sslmode=verify-ca" + trustingTheServer);
      // Without sslrootcert, pgjdbc's default file or nothing: never a silent fallback to public CAs.
      assertRefused(server.jdbcUrl() + "?sslmode=verify-ca", "sslmode=verify-ca");
      assertRefused(server.jdbcUrl() + "?sslmode=verify-full&sslrootcert=system", "the JVM's trust store");
    }
  }

  @Test
  void require_refusesAServerWithoutSsl_whilePreferFallsBackToPlainText() {
    try (PrivatePostgres server = PrivatePostgres.start(directory.resolve("data"))) {
      assertRefused(server.jdbcUrl() + "?sslmode=require", "does not accept SSL");
      assertOpens(server.jdbcUrl() + "?sslmode=prefer");
      assertOpens(server.jdbcUrl());
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

  private static void assertRefused(String jdbcUrl, String reason) {
    assertThatThrownBy(() -> open(jdbcUrl).close())
        .as(jdbcUrl)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(reason);
  }

  private static void assertOpens(String jdbcUrl) {
    try {
      open(jdbcUrl).close();
    } catch (IOException e) {
      throw new AssertionError("expected " + jdbcUrl + " to open: " + e.getMessage(), e);
    }
  }

  private static ListenConnection open(String jdbcUrl) throws IOException {
    return ListenConnection.open(ListenTarget.fromJdbcUrl(jdbcUrl, "postgres", null), TIMEOUT, "pgjcache-test");
  }
}
