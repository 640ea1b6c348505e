package io.pgjcache.internal.notify;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import javax.net.ssl.SSLException;

/**
 * A connection to PostgreSQL that does nothing but LISTEN, speaking just enough of the frontend/backend
 * protocol (version 3) for that, and handing every notification on the moment it is read.
 *
 * <p>Why not a pgjdbc connection: {@code PGConnection.getNotifications(timeout)} goes on reading while further
 * messages arrive within about a millisecond of each other, so under a steady stream of notifications it
 * returns only when the stream pauses; delivery then takes a hundred milliseconds or more instead of a fraction
 * of one.
 *
 * <p>Authentication: trust, password (cleartext), md5 and scram-sha-256 (without channel binding); other
 * methods are not supported. Encryption as the URL's {@code sslmode} says; see {@link ListenSsl}.
 *
 * <p>Threading: one owner thread calls {@link #open}, {@link #listen} and then {@link #run}, which blocks for as
 * long as the connection is good. {@link #close()} may be called from any thread at any time; it makes a
 * blocked {@code run} return. The connection is not otherwise thread-safe.
 */
public final class ListenConnection implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ListenConnection.class.getName());

  private final Socket socket;
  private final ProtocolStream stream;
  private final String description;
  private final Duration requestTimeout;
  /** Notifications that arrived while {@link #listen} waited for its answer; {@link #run} hands them on first. */
  private final Queue<Notification> early = new ArrayDeque<>();
  private int backendPid;
  private volatile boolean closed;

  private ListenConnection(Socket socket, String description, Duration requestTimeout) throws IOException {
    this.socket = socket;
    this.stream = new ProtocolStream(socket.getInputStream(), socket.getOutputStream());
    this.description = description;
    this.requestTimeout = requestTimeout;
  }

  /**
   * Connects, authenticates and waits until the session is ready, all within {@code connectTimeout}.
   *
   * @param applicationName shown in {@code pg_stat_activity.application_name}
   * @throws IOException if the server cannot be reached, refuses the session (the message carries its
   *     SQLSTATE and text, never the password), or asks for an authentication method not supported here
   */
  public static ListenConnection open(ListenTarget target, Duration connectTimeout, String applicationName)
      throws IOException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(applicationName, "applicationName");
    try {
      return open(target, target.ssl(), connectTimeout, applicationName);
    } catch (IOException e) {
      // As pgjdbc: sslmode=prefer tries without SSL when the SSL handshake fails.
      if (target.ssl().mode() == ListenSsl.Mode.PREFER && e.getCause() instanceof SSLException) {
        LOG.log(Level.DEBUG, () -> "pgjcache: SSL failed (" + e.getMessage() + "); sslmode=prefer tries without");
        return open(target, new ListenSsl(ListenSsl.Mode.DISABLE, null), connectTimeout, applicationName);
      }
      throw e;
    }
  }

  private static ListenConnection open(ListenTarget target, ListenSsl ssl, Duration connectTimeout,
      String applicationName) throws IOException {
    long deadline = System.nanoTime() + requirePositive(connectTimeout, "connectTimeout").toNanos();
    String description = describe(target);
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.connect(new InetSocketAddress(target.host(), target.port()), millis(connectTimeout));
      socket.setSoTimeout(millis(connectTimeout));
      Socket channel = ssl.negotiate(socket, target.host());
      ListenConnection connection = new ListenConnection(channel, description, connectTimeout);
      connection.startUp(target, applicationName, deadline);
      LOG.log(Level.DEBUG, () -> "pgjcache: listen connection open to " + description
          + ", backend pid " + connection.backendPid);
      return connection;
    } catch (IOException e) {
      closeQuietly(socket);
      throw new IOException("Cannot open the listen connection to " + description + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  /** Process id of this session's backend, as the server reported it. */
  public int backendPid() {
    return backendPid;
  }

  /**
   * Subscribes to a channel: {@code LISTEN "<channel>"}, waiting at most the connect timeout for its answer.
   * The channel is quoted, so it is taken exactly as given (case included).
   *
   * @throws IOException if the server refuses or does not answer in time
   */
  public void listen(String channel) throws IOException {
    Objects.requireNonNull(channel, "channel");
    stream.sendQuery("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    String error = null;
    while (true) {
      ProtocolStream.Message message = await(deadline, "the answer to LISTEN");
      switch (message.type()) {
        case 'C', 'S', 'N' -> {
          // CommandComplete; ParameterStatus and notices need nothing
        }
        case 'A' -> early.add(notification(message));
        // After an error the server still ends the query with ReadyForQuery: wait for it, so the
        // connection stays usable.
        case 'E' -> error = message.errorText();
        case 'Z' -> {
          if (error != null) {
            throw new IOException("LISTEN on channel " + channel + " failed on " + description + ": " + error);
          }
          return;
        }
        default -> throw unexpected(message, "LISTEN");
      }
    }
  }

  /**
   * Reads until the connection fails or is closed, calling the handler for each notification as soon as it
   * is read (first those that arrived during {@link #listen}).
   *
   * <p>Liveness: when nothing has arrived for {@code idleCheck}, an empty query is sent and its answer must
   * arrive within {@code checkTimeout}; notifications that arrive meanwhile are handed on as usual. A
   * connection that is quiet because nothing happens therefore stays open, and one whose server or network
   * stopped answering is given up.
   *
   * @throws IOException when the connection fails: the server ends the session or reports an error, the
   *     socket fails, or a liveness check goes unanswered. Never after {@link #close()}: then this returns.
   *     An exception thrown by the handler ends the loop and propagates as it is.
   */
  public void run(NotificationHandler handler, Duration idleCheck, Duration checkTimeout) throws IOException {
    Objects.requireNonNull(handler, "handler");
    int idleMillis = millis(requirePositive(idleCheck, "idleCheck"));
    long checkNanos = requirePositive(checkTimeout, "checkTimeout").toNanos();
    try {
      for (Notification notification = early.poll(); notification != null; notification = early.poll()) {
        handler.onNotification(notification.channel(), notification.payload(), notification.senderPid());
      }
      socket.setSoTimeout(idleMillis);
      boolean checking = false;
      long checkDeadline = 0;
      while (true) {
        if (checking) {
          long remaining = checkDeadline - System.nanoTime();
          if (remaining <= 0) {
            throw new IOException("No answer from the server within " + checkTimeout
                + " to a liveness check after " + idleCheck + " without messages");
          }
          socket.setSoTimeout(ceilMillis(remaining));
        }
        ProtocolStream.Message message = stream.poll();
        if (message == null) {
          if (!checking) {
            stream.sendQuery("");
            checking = true;
            checkDeadline = System.nanoTime() + checkNanos;
          }
          continue;
        }
        switch (message.type()) {
          case 'A' -> {
            Notification notification = notification(message);
            handler.onNotification(notification.channel(), notification.payload(), notification.senderPid());
          }
          case 'I', 'S', 'N' -> {
            // EmptyQueryResponse (ReadyForQuery follows), ParameterStatus, notices
          }
          case 'Z' -> {
            if (!checking) {
              throw unexpected(message, "listening");
            }
            checking = false;
            socket.setSoTimeout(idleMillis);
          }
          case 'E' -> throw new IOException(message.errorText());
          default -> throw unexpected(message, "listening");
        }
      }
    } catch (IOException e) {
      if (closed) {
        return;
      }
      throw new IOException("Listen connection to " + description + " lost: " + e.getMessage(), e);
    }
  }

  /** Sends Terminate if it can without waiting, then closes the socket. Safe from any thread, idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stream.tryTerminate();
    } catch (IOException e) {
      // The connection is already broken; closing the socket is all that is left.
    }
    closeQuietly(socket);
  }

  @Override
  public String toString() {
    return "ListenConnection[" + description + ", backend pid " + backendPid + (closed ? ", closed]" : "]");
  }

  private void startUp(ListenTarget target, String applicationName, long deadline) throws IOException {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", target.user());
    parameters.put("database", target.database());
    parameters.put("application_name", applicationName);
    parameters.put("client_encoding", "UTF8");
    stream.sendStartup(parameters);
    ScramSha256 scram = null;
    while (true) {
      ProtocolStream.Message message = await(deadline, "the server to accept the session");
      switch (message.type()) {
        case 'R' -> scram = authenticate(message, target, scram);
        case 'K' -> backendPid = message.int32();
        case 'S', 'N' -> {
          // ParameterStatus and notices need nothing
        }
        case 'E' -> throw new IOException(message.errorText());
        case 'Z' -> {
          return;
        }
        default -> throw unexpected(message, "startup");
      }
    }
  }

  /**
   * Answers one authentication request.
   *
   * @param scram the SCRAM exchange in progress, or null
   * @return the SCRAM exchange still in progress after this step, or null
   */
  private ScramSha256 authenticate(ProtocolStream.Message request, ListenTarget target, ScramSha256 scram)
      throws IOException {
    int method = request.int32();
    switch (method) {
      case 0 -> {
        // AuthenticationOk. A SCRAM exchange must have ended with the server's proof that it knows the password.
        if (scram != null) {
          throw new IOException("The server ended SCRAM authentication without proving that it knows the password");
        }
        return null;
      }
      case 3 -> {
        stream.sendPassword(requirePassword(target, "password"));
        return null;
      }
      case 5 -> {
        stream.sendPassword(md5Password(target.user(), requirePassword(target, "md5"), request.remaining()));
        return null;
      }
      case 10 -> {
        List<String> mechanisms = new ArrayList<>();
        for (String mechanism = request.cstring(); !mechanism.isEmpty(); mechanism = request.cstring()) {
          mechanisms.add(mechanism);
        }
        if (!mechanisms.contains(ScramSha256.MECHANISM)) {
          throw new IOException("The server offers only the SASL mechanisms " + mechanisms
              + "; the listen connection supports " + ScramSha256.MECHANISM);
        }
        ScramSha256 exchange = new ScramSha256(target.user(), requirePassword(target, "scram-sha-256"));
        stream.sendSaslInitialResponse(ScramSha256.MECHANISM,
            exchange.clientFirstMessage().getBytes(StandardCharsets.UTF_8));
        return exchange;
      }
      case 11 -> {
        String serverFirst = new String(request.remaining(), StandardCharsets.UTF_8);
        stream.sendSaslResponse(requireScram(scram).clientFinalMessage(serverFirst).getBytes(StandardCharsets.UTF_8));
        return scram;
      }
      case 12 -> {
        requireScram(scram).verifyServerFinal(new String(request.remaining(), StandardCharsets.UTF_8));
        return null;
      }
      default -> throw new IOException("The server asks for authentication method " + method + " ("
          + methodName(method) + "), which the listen connection does not support; it supports trust, "
          + "password, md5 and scram-sha-256");
    }
  }

  private static ScramSha256 requireScram(ScramSha256 scram) throws IOException {
    if (scram == null) {
      throw new IOException("The server continued a SCRAM exchange that was never started");
    }
    return scram;
  }

  private static String requirePassword(ListenTarget target, String method) throws IOException {
    if (target.password() == null) {
      throw new IOException("The server asks for " + method + " authentication of user " + target.user()
          + ", but no password is configured");
    }
    return target.password();
  }

  /** {@code "md5" + md5hex(md5hex(password + user) + salt)}, as PostgreSQL expects. */
  private static String md5Password(String user, String password, byte[] salt) throws IOException {
    try {
      HexFormat hex = HexFormat.of();
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      String inner = hex.formatHex(md5.digest((password + user).getBytes(StandardCharsets.UTF_8)));
      md5.update(inner.getBytes(StandardCharsets.US_ASCII));
      md5.update(salt);
      return "md5" + hex.formatHex(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IOException("md5 authentication needs MD5, which this JVM does not offer", e);
    }
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

  /** The next message, waiting until the deadline at most. */
  private ProtocolStream.Message await(long deadline, String awaited) throws IOException {
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new IOException("No answer from the server within " + requestTimeout + " while waiting for " + awaited);
      }
      socket.setSoTimeout(ceilMillis(remaining));
      ProtocolStream.Message message = stream.poll();
      if (message != null) {
        return message;
      }
    }
  }

  private static Notification notification(ProtocolStream.Message message) throws IOException {
    int senderPid = message.int32();
    String channel = message.cstring();
    String payload = message.cstring();
    return new Notification(channel, payload, senderPid);
  }

  private static IOException unexpected(ProtocolStream.Message message, String phase) {
    return new IOException("Unexpected message type '" + message.type() + "' from the server during " + phase);
  }

  private static String describe(ListenTarget target) {
    String host = target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host();
    return host + ":" + target.port() + "/" + target.database() + " as " + target.user();
  }

  private static Duration requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
    return duration;
  }

  /** Whole milliseconds for a socket timeout: at least 1, since 0 would mean forever. */
  private static int millis(Duration duration) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
  }

  private static int ceilMillis(long nanos) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000));
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing more can be done about a socket that fails to close.
    }
  }

  private record Notification(String channel, String payload, int senderPid) {
  }
}
