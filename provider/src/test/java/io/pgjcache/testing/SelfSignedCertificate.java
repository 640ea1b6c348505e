package io.pgjcache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A self-signed certificate and its private key as PEM files, made with the {@code openssl} command line tool
 * (installed wherever PostgreSQL is; a test that needs one is skipped without it). It names one DNS host, so
 * that host-name checks can pass or fail.
 *
 * @param certificate the certificate (also the root that vouches for it)
 * @param key         its unencrypted private key, readable by the owner only, as PostgreSQL demands
 */
public record SelfSignedCertificate(Path certificate, Path key) {

  public static SelfSignedCertificate create(Path directory, String name, String dnsName) {
    Path certificate = directory.resolve(name + ".crt");
    Path key = directory.resolve(name + ".key");
    List<String> command = List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=" + dnsName, "-addext", "subjectAltName=DNS:" + dnsName,
        "-keyout", key.toString(), "-out", certificate.toString());
    Process openssl;
    try {
      openssl = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      // As the PgBouncer tests do without pgbouncer: skipped here, never in CI, which installs openssl.
      Assumptions.abort("the openssl command is not installed: " + e.getMessage());
      throw new AssertionError(e);
    }
    try {
      String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!openssl.waitFor(60, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
        throw new IllegalStateException("openssl could not make a certificate: " + output);
      }
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making a certificate", e);
    }
    return new SelfSignedCertificate(certificate, key);
  }
}
