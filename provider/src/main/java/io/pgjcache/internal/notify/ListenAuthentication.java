package io.pgjcache.internal.notify;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramException;
import com.ongres.scram.common.util.TlsServerEndpoint;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.postgresql.PGProperty;
import org.postgresql.util.MD5Digest;
import org.postgresql.util.PSQLException;

/**
 * Answers the server's authentication requests for one LISTEN session: trust, password (cleartext), md5
 * ({@link MD5Digest}, pgjdbc's) and SCRAM-SHA-256 through the ongres SCRAM client, the library pgjdbc uses, with
 * PostgreSQL's password preparation (SASLprep, the raw password where SASLprep refuses it). Over SSL the
 * exchange binds to the server's certificate ({@code SCRAM-SHA-256-PLUS}) as the URL's {@code channelBinding}
 * says ({@code prefer} by default, as in pgjdbc); {@code scramMaxIterations} bounds the work a server may ask.
 *
 * <p>One instance serves one session's startup, on its owner thread.
 */
final class ListenAuthentication {
  private final ListenTarget target;
  private final Properties properties;
  private final Socket socket;
  private final ProtocolStream stream;
  /** The SCRAM exchange under way: from the server's SASL request until it proved it knows the password. */
  private ScramClient scram;

  ListenAuthentication(ListenTarget target, Socket socket, ProtocolStream stream) {
    this.target = target;
    this.properties = target.copy();
    this.socket = socket;
    this.stream = stream;
  }

  /** Answers one AuthenticationRequest message. */
  void answer(ProtocolStream.Message request) throws IOException {
    int method = request.int32();
    switch (method) {
      case 0 -> {
        // AuthenticationOk. A SCRAM exchange must have ended with the server's proof that it knows the password.
        if (scram != null) {
          throw new IOException("The server ended SCRAM authentication without proving that it knows the password");
        }
      }
      case 3 -> stream.sendPassword(requirePassword("password"));
      case 5 -> stream.sendPassword(new String(MD5Digest.encode(target.user().getBytes(StandardCharsets.UTF_8),
          requirePassword("md5").getBytes(StandardCharsets.UTF_8), request.remaining()), StandardCharsets.US_ASCII));
      case 10 -> startScram(request);
      case 11 -> continueScram(request);
      case 12 -> finishScram(request);
      default -> throw new IOException("The server asks for authentication method " + method + " ("
          + methodName(method) + "), which the listen connection does not support; it supports trust, "
          + "password, md5 and scram-sha-256");
    }
  }

  private void startScram(ProtocolStream.Message request) throws IOException {
    List<String> mechanisms = new ArrayList<>();
    for (String mechanism = request.cstring(); !mechanism.isEmpty(); mechanism = request.cstring()) {
      mechanisms.add(mechanism);
    }
    String channelBinding = PGProperty.CHANNEL_BINDING.getOrDefault(properties);
    char[] password = requirePassword("scram-sha-256").toCharArray();
    try {
      scram = ScramClient.builder()
          .advertisedMechanisms(mechanisms)
          .username("*") // PostgreSQL ignores it and takes the startup message's user
          .password(password)
          .channelBinding(TlsServerEndpoint.TLS_SERVER_END_POINT,
              "disable".equals(channelBinding) ? new byte[0] : channelBindingData())
          .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION)
          .build();
    } catch (IllegalArgumentException e) {
      throw new IOException("Cannot authenticate with SCRAM: " + e.getMessage() + " (the server offers "
          + mechanisms + ")", e);
    } finally {
      Arrays.fill(password, '\0');
    }
    if ("require".equals(channelBinding) && !scram.getScramMechanism().isPlus()) {
      throw new IOException("channelBinding=require, but the authentication negotiated ("
          + scram.getScramMechanism().getName() + ") does not bind to the SSL channel");
    }
    stream.sendSaslInitialResponse(scram.getScramMechanism().getName(),
        scram.clientFirstMessage().toString().getBytes(StandardCharsets.UTF_8));
  }

  private void continueScram(ProtocolStream.Message request) throws IOException {
    ScramClient exchange = requireScram();
    int iterations;
    try {
      iterations = exchange.serverFirstMessage(new String(request.remaining(), StandardCharsets.UTF_8))
          .getIterationCount();
    } catch (ScramException | IllegalStateException | IllegalArgumentException e) {
      throw new IOException("SCRAM authentication failed: " + e.getMessage(), e);
    }
    int maxIterations = maxIterations();
    if (maxIterations > 0 && iterations > maxIterations) {
      throw new IOException("The server asks for " + iterations + " SCRAM iterations, more than "
          + PGProperty.SCRAM_MAX_ITERATIONS.getName() + "=" + maxIterations + " allows");
    }
    stream.sendSaslResponse(exchange.clientFinalMessage().toString().getBytes(StandardCharsets.UTF_8));
  }

  private void finishScram(ProtocolStream.Message request) throws IOException {
    try {
      requireScram().serverFinalMessage(new String(request.remaining(), StandardCharsets.UTF_8));
    } catch (ScramException | IllegalStateException | IllegalArgumentException e) {
      throw new IOException("SCRAM authentication failed: " + e.getMessage(), e);
    }
    scram = null;
  }

  /** The tls-server-end-point binding of the server's certificate, or none without SSL. */
  private byte[] channelBindingData() throws IOException {
    if (!(socket instanceof SSLSocket secure)) {
      return new byte[0];
    }
    try {
      Certificate[] chain = secure.getSession().getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
        return TlsServerEndpoint.getChannelBindingData(certificate);
      }
      return new byte[0];
    } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
      throw new IOException("Cannot bind SCRAM to the SSL channel: " + e.getMessage(), e);
    }
  }

  private int maxIterations() throws IOException {
    try {
      return PGProperty.SCRAM_MAX_ITERATIONS.getInt(properties);
    } catch (PSQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private ScramClient requireScram() throws IOException {
    if (scram == null) {
      throw new IOException("The server continued a SCRAM exchange that was never started");
    }
    return scram;
  }

  private String requirePassword(String method) throws IOException {
    if (target.password() == null) {
      throw new IOException("The server asks for " + method + " authentication of user " + target.user()
          + ", but no password is configured");
    }
    return target.password();
  }

  private static String methodName(int method) {
    return switch (method) {
      case 2 -> "Kerberos V5";
      case 6 -> "SCM credentials";
      case 7, 8 -> "GSSAPI";
      case 9 -> "SSPI";
      default -> "unknown";
    };
  }
}
