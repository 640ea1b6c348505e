package io.pgjcache.internal.notify;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Whether and how the LISTEN connection encrypts, read from the same pgjdbc URL parameters as the data
 * connections ({@code sslmode}, {@code ssl}, {@code sslrootcert}) and with the same meaning:
 * <ul>
 *   <li>{@code disable}, {@code allow}: no encryption;</li>
 *   <li>{@code prefer} (the default): encrypted if the server accepts SSL, else in the clear; no certificate
 *   check;</li>
 *   <li>{@code require}: encrypted or no connection; no certificate check;</li>
 *   <li>{@code verify-ca}: encrypted, and the server's certificate must chain to a trusted one: the PEM file
 *   {@code sslrootcert}, by default {@code root.crt} in the user's {@code .postgresql} directory as for
 *   pgjdbc (a missing file is an error, never a silent fallback), or with {@code sslrootcert=system} the JVM's
 *   trust store;</li>
 *   <li>{@code verify-full}: as {@code verify-ca}, and the certificate must name the host connected to.</li>
 * </ul>
 * {@code ssl=true} without {@code sslmode} means {@code verify-full}, as in pgjdbc. Client certificates
 * ({@code sslcert}, {@code sslkey}) and custom {@code sslfactory} classes are not supported and are refused
 * by name.
 *
 * @param mode         how to encrypt
 * @param rootCertFile PEM file of the certificates to trust, {@value #SYSTEM_TRUST} for the JVM's trust store,
 *                     or null for pgjdbc's default file
 */
public record ListenSsl(Mode mode, String rootCertFile) {
  /** The {@code sslmode} values, in pgjdbc's spelling. */
  public enum Mode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    static Mode parse(String text) {
      for (Mode mode : values()) {
        if (mode.spelling().equals(text.toLowerCase(Locale.ROOT))) {
          return mode;
        }
      }
      return null;
    }

    String spelling() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    boolean triesSsl() {
      return this == PREFER || this == REQUIRE || this == VERIFY_CA || this == VERIFY_FULL;
    }

    boolean verifies() {
      return this == VERIFY_CA || this == VERIFY_FULL;
    }
  }

  /** pgjdbc's default. */
  public static final ListenSsl DEFAULT = new ListenSsl(Mode.PREFER, null);
  /** The {@code sslrootcert} value that trusts the JVM's trust store (as libpq's {@code system}). */
  public static final String SYSTEM_TRUST = "system";

  /** The PostgreSQL protocol's SSLRequest code (1234 in the upper half, 5679 in the lower). */
  private static final int SSL_REQUEST_CODE = 80_877_103;

  /**
   * The settings the URL's parameters ask for.
   *
   * @throws IllegalArgumentException saying which parameter cannot be honoured (never quoting a secret)
   */
  static ListenSsl fromParameters(Map<String, String> parameters) {
    for (String unsupported : new String[] {"sslcert", "sslkey", "sslfactory"}) {
      if (parameters.containsKey(unsupported)) {
        throw new IllegalArgumentException("it sets " + unsupported + ", which the listen connection does not "
            + "support (no client certificates, no custom SSL factory); set pgjcache.listen.url to a URL without it");
      }
    }
    String sslMode = parameters.get("sslmode");
    String ssl = parameters.get("ssl");
    Mode mode;
    if (sslMode != null) {
      mode = Mode.parse(sslMode);
      if (mode == null) {
        throw new IllegalArgumentException("its sslmode " + sslMode
            + " is none of disable, allow, prefer, require, verify-ca, verify-full");
      }
    } else if (ssl != null && !ssl.equalsIgnoreCase("false")) {
      mode = Mode.VERIFY_FULL;
    } else {
      mode = ssl != null ? Mode.DISABLE : Mode.PREFER;
    }
    return new ListenSsl(mode, parameters.get("sslrootcert"));
  }

  /**
   * Asks the server for SSL on a freshly connected socket and, if it agrees, returns the encrypted socket
   * after the TLS handshake; returns the plain socket where the mode allows going on without.
   *
   * @throws IOException if the mode needs SSL and the server refuses it, the handshake fails, or the
   *     certificate does not pass the checks the mode asks for
   */
  Socket negotiate(Socket plain, String host) throws IOException {
    if (!mode.triesSsl()) {
      return plain;
    }
    OutputStream out = plain.getOutputStream();
    out.write(new byte[] {0, 0, 0, 8, (byte) (SSL_REQUEST_CODE >>> 24), (byte) (SSL_REQUEST_CODE >>> 16),
        (byte) (SSL_REQUEST_CODE >>> 8), (byte) SSL_REQUEST_CODE});
    out.flush();
    InputStream in = plain.getInputStream();
    int answer = new DataInputStream(in).readUnsignedByte();
    if (answer == 'N') {
      if (mode == Mode.PREFER) {
        return plain;
      }
      throw new IOException("the server does not accept SSL connections, and sslmode=" + mode.spelling()
          + " requires one");
    }
    if (answer != 'S') {
      throw new IOException("the server answered the SSL request with an unexpected byte " + answer);
    }
    SSLSocket secure = (SSLSocket) context().getSocketFactory().createSocket(plain, host, plain.getPort(), true);
    if (mode == Mode.VERIFY_FULL) {
      SSLParameters parameters = secure.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      secure.setSSLParameters(parameters);
    }
    try {
      secure.startHandshake();
    } catch (SSLHandshakeException e) {
      String trusted = SYSTEM_TRUST.equals(rootCertFile) ? "the JVM's trust store" : "sslrootcert " + rootFile();
      throw new SSLHandshakeException(mode.verifies()
          ? "the server's certificate fails the sslmode=" + mode.spelling() + " check (trusted: " + trusted + "): "
              + e.getMessage()
          : "the SSL handshake failed: " + e.getMessage());
    }
    return secure;
  }

  private SSLContext context() throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, mode.verifies() ? trustManagers() : new TrustManager[] {new TrustingAnyCertificate()},
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up SSL: " + e.getMessage(), e);
    }
  }

  private TrustManager[] trustManagers() throws IOException, GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (SYSTEM_TRUST.equals(rootCertFile)) {
      factory.init((KeyStore) null);
      return factory.getTrustManagers();
    }
    Path file = rootFile();
    if (!Files.isReadable(file)) {
      throw new IOException("sslmode=" + mode.spelling() + " needs the root certificate file " + file
          + ", which cannot be read; set sslrootcert to a PEM file (or sslrootcert=system for the JVM's trust "
          + "store)");
    }
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream pem = Files.newInputStream(file)) {
      int index = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
        trusted.setCertificateEntry("root-" + index++, certificate);
      }
      if (index == 0) {
        throw new IOException("sslrootcert " + file + " holds no certificate");
      }
    }
    factory.init(trusted);
    return factory.getTrustManagers();
  }

  /** The PEM file to trust: sslrootcert, or pgjdbc's default in the user's home directory. */
  private Path rootFile() {
    return rootCertFile != null ? Path.of(rootCertFile)
        : Path.of(System.getProperty("user.home"), ".postgresql", "root.crt");
  }

  /** Encryption without authentication, which is what sslmode prefer and require mean. */
  private static final class TrustingAnyCertificate implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // never asked: this side is the client
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // prefer and require encrypt without checking who answers
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
