package io.pgjcache.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A PostgreSQL server of one test's own, which the test may stop, crash and start again: same data
 * directory, same port, so that clients configured with its URL find it again. Tests that break the
 * server must not break the shared one the other tests use.
 *
 * <p>A crash kills the postmaster and every backend with SIGKILL, as the kernel's OOM killer or a
 * power cut would: nothing is flushed, and the next start runs crash recovery, which empties every
 * UNLOGGED table. The previous handle then logs that it could not stop the (already dead) server.
 */
public final class PrivatePostgres implements AutoCloseable {
  /** Superuser connections are trusted; every other role must give its password over TCP. */
  private static final String PASSWORD_HBA = String.join("\n",
      "local all all trust",
      "host all postgres 127.0.0.1/32 trust",
      "host all postgres ::1/128 trust",
      "host all all 127.0.0.1/32 scram-sha-256",
      "host all all ::1/128 scram-sha-256",
      "");
  /** Every role but the superuser must come over SSL with a client certificate naming it, and its password. */
  private static final String CLIENT_CERTIFICATE_HBA = String.join("\n",
      "local all all trust",
      "host all postgres 127.0.0.1/32 trust",
      "host all postgres ::1/128 trust",
      "hostssl all all 127.0.0.1/32 scram-sha-256 clientcert=verify-full",
      "hostssl all all ::1/128 scram-sha-256 clientcert=verify-full",
      "");

  private final Path dataDirectory;
  private final int port;
  /** The pg_hba.conf to write, or null for the embedded default. */
  private final String hba;
  private final SelfSignedCertificate certificate;
  /** Vouches for the client certificates the server accepts, or null. */
  private final SelfSignedCertificate clientAuthority;
  private EmbeddedPostgres server;

  private PrivatePostgres(Path dataDirectory, String hba, SelfSignedCertificate certificate,
      SelfSignedCertificate clientAuthority) {
    this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
    this.port = freePort();
    this.hba = hba;
    this.certificate = certificate;
    this.clientAuthority = clientAuthority;
    start();
  }

  /** A server that trusts every local connection, like the embedded default. */
  public static PrivatePostgres start(Path dataDirectory) {
    return new PrivatePostgres(dataDirectory, null, null, null);
  }

  /** A server on which every role but the superuser {@code postgres} must log in with its password. */
  public static PrivatePostgres startRequiringPasswords(Path dataDirectory) {
    return new PrivatePostgres(dataDirectory, PASSWORD_HBA, null, null);
  }

  /** A server that also accepts SSL connections, presenting this certificate. */
  public static PrivatePostgres startWithSsl(Path dataDirectory, SelfSignedCertificate certificate) {
    return new PrivatePostgres(dataDirectory, null, Objects.requireNonNull(certificate, "certificate"), null);
  }

  /**
   * A server that also accepts SSL connections, presenting this certificate, and admits the superuser
   * {@code postgres} over any TCP connection and everyone else as these pg_hba.conf lines say.
   */
  public static PrivatePostgres startWithSsl(Path dataDirectory, SelfSignedCertificate certificate,
      List<String> hbaLines) {
    List<String> hba = new ArrayList<>(List.of("local all all trust", "host all postgres 127.0.0.1/32 trust",
        "host all postgres ::1/128 trust"));
    hba.addAll(hbaLines);
    hba.add("");
    return new PrivatePostgres(dataDirectory, String.join("\n", hba),
        Objects.requireNonNull(certificate, "certificate"), null);
  }

  /**
   * A server that presents this certificate and admits every role but the superuser {@code postgres} only over
   * SSL, with its password and a client certificate that {@code clientAuthority} vouches for and whose common
   * name is the role's name ({@code clientcert=verify-full}).
   */
  public static PrivatePostgres startRequiringClientCertificates(Path dataDirectory, SelfSignedCertificate certificate,
      SelfSignedCertificate clientAuthority) {
    return new PrivatePostgres(dataDirectory, CLIENT_CERTIFICATE_HBA, Objects.requireNonNull(certificate,
        "certificate"), Objects.requireNonNull(clientAuthority, "clientAuthority"));
  }

  public int port() {
    return port;
  }

  /** JDBC URL of the {@code postgres} database, without credentials. */
  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port + "/postgres";
  }

  /** A superuser connection, for setting up and for holding locks. */
  public Connection superuserConnection() throws SQLException {
    return server.getPostgresDatabase().getConnection();
  }

  /** Starts the server (again) on the same data directory and port. */
  public void start() {
    if (server != null) {
      throw new IllegalStateException("already running");
    }
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDirectory)
          .setCleanDataDirectory(false)
          .setPort(port)
          // Committed means on disk, so that a crash loses exactly what the UNLOGGED rule says.
          .setServerConfig("synchronous_commit", "on");
      if (hba != null) {
        builder.setDataDirectoryCustomizer(dir -> writeHba(dir.toPath(), hba));
      }
      if (certificate != null) {
        builder.setServerConfig("ssl", "on")
            .setServerConfig("ssl_cert_file", certificate.certificate().toString())
            .setServerConfig("ssl_key_file", certificate.key().toString());
      }
      if (clientAuthority != null) {
        builder.setServerConfig("ssl_ca_file", clientAuthority.certificate().toString());
      }
      server = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A clean shutdown ({@code pg_ctl stop -m fast}): sessions are ended, data is kept. */
  public void stop() {
    closeHandle();
  }

  /** Kills the server as a crash would, and waits until every one of its processes is gone. */
  public void crash() {
    ProcessHandle postmaster = ProcessHandle.of(postmasterPid())
        .orElseThrow(() -> new IllegalStateException("postmaster is not running"));
    List<ProcessHandle> processes = new ArrayList<>(postmaster.descendants().toList());
    processes.add(0, postmaster);
    processes.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle process : processes) {
      try {
        process.onExit().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while crashing the server", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("process " + process.pid() + " survived SIGKILL", e);
      }
    }
    // Releases the handle's lock on the data directory; its attempt to stop the dead server fails.
    closeHandle();
  }

  @Override
  public void close() {
    if (server != null) {
      closeHandle();
    }
  }

  private long postmasterPid() {
    try {
      // First line of postmaster.pid is the postmaster's process id.
      String first = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.US_ASCII).get(0);
      return Long.parseLong(first.trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void closeHandle() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      server = null;
    }
  }

  private static void writeHba(Path dir, String hba) {
    try {
      Files.writeString(dir.resolve("pg_hba.conf"), hba, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
