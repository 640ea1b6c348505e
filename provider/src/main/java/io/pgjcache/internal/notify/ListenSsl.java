package io.pgjcache.internal.notify;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Properties;
import org.postgresql.PGProperty;
import org.postgresql.core.PGStream;
import org.postgresql.core.SocketFactoryFactory;
import org.postgresql.jdbc.SslMode;
import org.postgresql.jdbc.SslNegotiation;
import org.postgresql.ssl.MakeSSL;
import org.postgresql.util.HostSpec;
import org.postgresql.util.PSQLException;

/**
 * Opens the LISTEN connection's socket and encrypts it with pgjdbc's own code, so that it reads the same
 * connection properties as the pool's connections and behaves as they do: {@code socketFactory},
 * {@code localSocketAddress}, {@code sslmode} (and {@code ssl}), {@code sslnegotiation}, {@code sslfactory}, and
 * through pgjdbc's default {@code LibPQFactory} {@code sslrootcert}, {@code sslcert}, {@code sslkey},
 * {@code sslpassword} with libpq's default files, and host-name checks by {@code sslhostnameverifier}.
 *
 * <p>Entry points: {@link MakeSSL#convert}, the one call that does everything pgjdbc does once the server
 * agreed to SSL (handshake, the client key's errors, the host-name check), so that nothing of it is repeated
 * here; it works on a {@link PGStream}, which therefore also opens the socket as pgjdbc does
 * ({@link SocketFactoryFactory#getSocketFactory}). {@link SslMode#of} reads the mode. All are public; MakeSSL,
 * SslMode and SocketFactoryFactory have kept their signatures across pgjdbc 42.x, and the PGStream constructor
 * used is the current one (42.7.4 on; the older one is deprecated, not gone). What is written here is the
 * SSLRequest and its answer, which pgjdbc keeps private in {@code ConnectionFactoryImpl}, and the fallbacks of
 * {@code prefer} and {@code allow}, which follow it. After the handshake the socket is read directly: PGStream's buffers hold nothing then, because
 * the server says nothing before the startup message.
 */
final class ListenSsl {
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
   * Connects to the address and negotiates SSL as {@code mode} says.
   *
   * @return the socket to speak the protocol on: encrypted after the handshake and the checks the mode asks
   *     for, or plain where the mode allows going on without; its read timeout is {@code timeoutMillis}
   * @throws IOException if the server cannot be reached, the mode needs SSL and the server refuses it, the
   *     handshake fails, or the server fails a check; the messages are pgjdbc's and never contain a password
   */
  static Socket connect(ListenTarget.Address address, SslMode mode, Properties properties, int timeoutMillis)
      throws IOException {
    PGStream stream;
    try {
      stream = new PGStream(SocketFactoryFactory.getSocketFactory(properties),
          new HostSpec(address.host(), address.port(), PGProperty.LOCAL_SOCKET_ADDRESS.getOrDefault(properties)),
          timeoutMillis, PGProperty.MAX_SEND_BUFFER_SIZE.getInt(properties));
    } catch (PSQLException e) {
      throw new IOException(e.getMessage(), e);
    }
    try {
      stream.getSocket().setTcpNoDelay(true);
      stream.getSocket().setKeepAlive(true);
      stream.getSocket().setSoTimeout(timeoutMillis);
      negotiate(stream, mode, properties);
      Socket socket = stream.getSocket();
      socket.setSoTimeout(timeoutMillis);
      return socket;
    } catch (IOException | PSQLException | RuntimeException e) {
      try {
        stream.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  private static void convert(PGStream stream, Properties properties) throws IOException {
    try {
      MakeSSL.convert(stream, properties);
    } catch (IOException | PSQLException e) {
      throw withClientCertificateHint(e, properties);
    }
  }

  /**
   * The failure, naming the client certificate where one was offered: a server that does not accept it often
   * just closes the connection during the handshake, which reads as a broken pipe.
   */
  static IOException withClientCertificateHint(Exception failure, Properties properties) {
    String certificate = PGProperty.SSL_CERT.getOrDefault(properties);
    if (certificate == null) {
      return failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure);
    }
    return new IOException(failure.getMessage() + " (the client certificate offered, sslcert=" + certificate
        + ", may not be one the server accepts)", failure);
  }

  /** As pgjdbc's {@code ConnectionFactoryImpl.enableSSL}. */
  private static void negotiate(PGStream stream, SslMode mode, Properties properties)
      throws IOException, PSQLException {
    if (mode == SslMode.DISABLE || mode == SslMode.ALLOW) {
      return;
    }
    if (SslNegotiation.of(PGProperty.SSL_NEGOTIATION.getOrDefault(properties)) == SslNegotiation.DIRECT) {
      convert(stream, properties);
      return;
    }
    // SSLRequest: length 8, then the code 1234 5679
    stream.sendInteger4(8);
    stream.sendInteger2(1234);
    stream.sendInteger2(5679);
    stream.flush();
    int answer = stream.receiveChar();
    switch (answer) {
      case 'S' -> convert(stream, properties);
      case 'N' -> {
        if (mode.requireEncryption()) {
          throw new IOException("The server does not support SSL, and sslmode=" + mode.value + " requires it");
        }
      }
      default -> throw new IOException("The server answered the SSL request with an unexpected byte " + answer);
    }
  }
}
