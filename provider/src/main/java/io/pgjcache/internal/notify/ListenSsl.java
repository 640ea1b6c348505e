package io.pgjcache.internal.notify;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Properties;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.postgresql.PGProperty;
import org.postgresql.core.SocketFactoryFactory;
import org.postgresql.jdbc.SslMode;
import org.postgresql.jdbc.SslNegotiation;
import org.postgresql.ssl.LibPQFactory;
import org.postgresql.ssl.PGjdbcHostnameVerifier;
import org.postgresql.util.ObjectFactory;
import org.postgresql.util.PSQLException;

/**
 * Encrypts the LISTEN connection with pgjdbc's own SSL machinery, so that it reads the same connection
 * properties as the pool's connections and behaves as they do: {@code sslmode} (and {@code ssl}),
 * {@code sslnegotiation}, {@code sslfactory} and {@code sslfactoryarg}, and, through pgjdbc's default
 * {@code LibPQFactory}, {@code sslrootcert}, {@code sslcert}, {@code sslkey}, {@code sslpassword} and
 * {@code sslpasswordcallback} with libpq's default files; host names are checked by {@code sslhostnameverifier}
 * or pgjdbc's own verifier.
 *
 * <p>Entry points, chosen as the most public and stable ones pgjdbc offers: {@link SslMode#of},
 * {@link SocketFactoryFactory#getSslSocketFactory} (the single place where pgjdbc turns the properties into an
 * SSL socket factory, {@code sslfactory} included; public and unchanged since pgjdbc 42.2),
 * {@link LibPQFactory#throwKeyManagerException}, {@link PGjdbcHostnameVerifier#INSTANCE} and
 * {@link ObjectFactory#instantiate}. Not {@code MakeSSL.convert}, which does the handshake steps below: it works
 * on pgjdbc's {@code PGStream}, whose constructors change between releases and whose buffered streams would
 * sit between this connection and the socket it reads itself. The steps follow pgjdbc's
 * {@code ConnectionFactoryImpl} and {@code MakeSSL}.
 */
final class ListenSsl {
  /** The PostgreSQL protocol's SSLRequest code (1234 in the upper half, 5679 in the lower). */
  private static final int SSL_REQUEST_CODE = 80_877_103;
  /** SQLSTATE of a server that refuses the session as configured (e.g. pg_hba.conf has no line for it). */
  private static final String INVALID_AUTHORIZATION = "28000";

  private ListenSsl() {
  }

  /** The URL's {@code sslmode}, as pgjdbc reads it. */
  static SslMode mode(Properties properties) throws IOException {
    try {
      return SslMode.of(properties);
    } catch (PSQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * The mode to try once more after a failed attempt, or null: as pgjdbc, {@code prefer} tries without SSL when
   * the server refused the encrypted session or did not answer the SSL request, and {@code allow} tries with
   * SSL when the plain session was refused or broke.
   */
  static SslMode fallback(SslMode mode, IOException failure) {
    boolean refused = failure instanceof ProtocolStream.ServerError error
        && INVALID_AUTHORIZATION.equals(error.sqlState());
    if (mode == SslMode.PREFER && (refused || failure instanceof SocketTimeoutException)) {
      return SslMode.DISABLE;
    }
    if (mode == SslMode.ALLOW && (refused || !(failure instanceof ProtocolStream.ServerError))) {
      return SslMode.REQUIRE;
    }
    return null;
  }

  /**
   * Negotiates SSL on a freshly connected socket as {@code mode} says and returns the socket to speak the
   * protocol on: the encrypted one after the handshake and the checks the mode asks for, or the plain one
   * where the mode allows going on without.
   *
   * @throws IOException if the mode needs SSL and the server refuses it, the handshake fails, or the server
   *     fails a check; the messages are pgjdbc's and never contain a password
   */
  static Socket negotiate(Socket plain, SslMode mode, Properties properties, String host, int port)
      throws IOException {
    if (mode == SslMode.DISABLE || mode == SslMode.ALLOW) {
      return plain;
    }
    boolean direct = SslNegotiation.of(PGProperty.SSL_NEGOTIATION.getOrDefault(properties)) == SslNegotiation.DIRECT;
    if (!direct) {
      OutputStream out = plain.getOutputStream();
      out.write(new byte[] {0, 0, 0, 8, (byte) (SSL_REQUEST_CODE >>> 24), (byte) (SSL_REQUEST_CODE >>> 16),
          (byte) (SSL_REQUEST_CODE >>> 8), (byte) SSL_REQUEST_CODE});
      out.flush();
      int answer = new DataInputStream(plain.getInputStream()).readUnsignedByte();
      if (answer == 'N' && !mode.requireEncryption()) {
        return plain;
      }
      if (answer == 'N' || answer == 'E') {
        throw new IOException("The server does not support SSL, and sslmode=" + mode.value + " requires it");
      }
      if (answer != 'S') {
        throw new IOException("The server answered the SSL request with an unexpected byte " + answer);
      }
    }
    try {
      return handshake(plain, mode, properties, host, port, direct);
    } catch (PSQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static SSLSocket handshake(Socket plain, SslMode mode, Properties properties, String host, int port,
      boolean direct) throws IOException, PSQLException {
    SSLSocketFactory factory = SocketFactoryFactory.getSslSocketFactory(properties);
    SSLSocket secure = (SSLSocket) factory.createSocket(plain, host, port, true);
    if (direct) {
      SSLParameters parameters = secure.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"postgresql"});
      secure.setSSLParameters(parameters);
    }
    secure.setUseClientMode(true);
    try {
      secure.startHandshake();
    } catch (IOException e) {
      throw new IOException("SSL error: " + e.getMessage(), e);
    }
    if (factory instanceof LibPQFactory libpq) {
      // A client key that could not be read shows only here (pgjdbc reads it lazily, during the handshake).
      libpq.throwKeyManagerException();
    }
    if (mode.verifyPeerName()) {
      verifyHostName(secure, properties, host);
    }
    return secure;
  }

  private static void verifyHostName(SSLSocket secure, Properties properties, String host) throws IOException {
    String verifierClass = PGProperty.SSL_HOSTNAME_VERIFIER.getOrDefault(properties);
    HostnameVerifier verifier;
    if (verifierClass == null) {
      verifier = PGjdbcHostnameVerifier.INSTANCE;
      verifierClass = "PgjdbcHostnameVerifier";
    } else {
      try {
        verifier = ObjectFactory.instantiate(HostnameVerifier.class, verifierClass, properties, false, null);
      } catch (Exception e) {
        throw new IOException("The HostnameVerifier class provided " + verifierClass + " could not be instantiated",
            e);
      }
    }
    if (!verifier.verify(host, secure.getSession())) {
      throw new IOException("The hostname " + host + " could not be verified by hostnameverifier " + verifierClass
          + " (sslmode=verify-full)");
    }
  }
}
