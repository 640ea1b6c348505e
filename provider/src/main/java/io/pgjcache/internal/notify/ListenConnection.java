package io.pgjcache.internal.notify;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.postgresql.jdbc.SslMode;

/**
 * A connection to PostgreSQL that does nothing but LISTEN, speaking just enough of the frontend/backend
 * protocol (version 3) for that, and handing every notification on the moment it is read.
 *
 * <p>Why not a pgjdbc connection: {@code PGConnection.getNotifications(timeout)} goes on reading while further
 * messages arrive within about a millisecond of each other, so under a steady stream of notifications it
 * returns only when the stream pauses; delivery then takes a hundred milliseconds or more instead of a fraction
 * of one.
 *
 * <p>Only the protocol is written here; what libraries do well comes from them, so that the LISTEN connection
 * accepts the pool's URL and behaves as the pool's connections: the URL is read by pgjdbc ({@link ListenTarget}),
 * SSL is pgjdbc's ({@link ListenSsl}), SCRAM is the ongres library's ({@link ListenAuthentication}). Hosts are
 * tried in the URL's order, and {@code sslmode} prefer and allow fall back as pgjdbc does.
 *
 * <p>Threading: one owner thread calls {@link #open}, {@link #listen} and then {@link #run}, which blocks for as
 * long as the connection is good. {@link #execute} may be called from any thread while {@code run} reads: its
 * answer is read there. {@link #close()} may be called from any thread at any time; it makes a blocked {@code run}
 * return. The connection is not otherwise thread-safe.
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
  /** Where the lag of each answered probe goes; null while probing is off (see {@link #probeLag}). */
  private LongConsumer lagObserver;
  private String probeChannel;
  private long probesSent;
  private long probeSentAt;
  /** Orders sending a query with recording what its answer is for; never held while waiting for the server. */
  private final ReentrantLock sendLock = new ReentrantLock();
  /**
   * The queries sent from {@link #run} on and not answered yet, in the order sent: the server answers them in that
   * order. {@link #CHECK} stands for a liveness check; guarded by {@link #sendLock}.
   */
  private final ArrayDeque<CompletableFuture<Void>> unanswered = new ArrayDeque<>();
  private static final CompletableFuture<Void> CHECK = new CompletableFuture<>();
  /** Whether {@link #run} has ended, after which nothing is sent any more; guarded by {@link #sendLock}. */
  private boolean ended;
  /** The error the server reported for the query being answered now, if any; only the reading thread uses it. */
  private ProtocolStream.ServerError answerError;

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
    requirePositive(connectTimeout, "connectTimeout");
    SslMode mode = ListenSsl.mode(target.copy());
    IOException failure = null;
    for (ListenTarget.Address address : target.addresses()) {
      try {
        return open(target, address, mode, connectTimeout, applicationName);
      } catch (IOException e) {
        IOException described = new IOException("Cannot open the listen connection to " + describe(address, target)
            + ": " + e.getMessage(), e);
        if (failure == null) {
          failure = described;
        } else {
          failure.addSuppressed(described);
        }
      }
    }
    throw failure;
  }

  /** One host; a second attempt where pgjdbc makes one for {@code sslmode} prefer and allow. */
  private static ListenConnection open(ListenTarget target, ListenTarget.Address address, SslMode mode,
      Duration connectTimeout, String applicationName) throws IOException {
    try {
      return attempt(target, address, mode, connectTimeout, applicationName);
    } catch (IOException e) {
      SslMode fallback = ListenSsl.fallback(mode, e);
      if (fallback == null) {
        throw e;
      }
      LOG.log(Level.DEBUG, () -> "pgjcache: sslmode=" + mode.value + " failed (" + e.getMessage()
          + "); trying again " + (fallback == SslMode.DISABLE ? "without" : "with") + " SSL, as pgjdbc does");
      try {
        return attempt(target, address, fallback, connectTimeout, applicationName);
      } catch (IOException again) {
        e.addSuppressed(again);
        throw e;
      }
    }
  }

  private static ListenConnection attempt(ListenTarget target, ListenTarget.Address address, SslMode mode,
      Duration connectTimeout, String applicationName) throws IOException {
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    Properties properties = target.copy();
    Socket socket = ListenSsl.connect(address, mode, properties, millis(connectTimeout));
    try {
      ListenConnection connection = new ListenConnection(socket, describe(address, target), connectTimeout);
      connection.startUp(target, applicationName, deadline);
      LOG.log(Level.DEBUG, () -> "pgjcache: listen connection open to " + connection.description
          + ", backend pid " + connection.backendPid);
      return connection;
    } catch (SSLException e) {
      // With TLS 1.3 a server judges the client certificate after the handshake: its refusal arrives here.
      closeQuietly(socket);
      throw ListenSsl.withClientCertificateHint(e, properties);
    } catch (SocketException e) {
      // ... or, when the server closed the connection before its alert was read, as a reset.
      closeQuietly(socket);
      throw socket instanceof SSLSocket ? ListenSsl.withClientCertificateHint(e, properties) : e;
    } catch (IOException | RuntimeException e) {
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
        case 'E' -> error = message.error().getMessage();
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
   * Sends a statement of the provider's own (never user input) to run on this session while {@link #run} reads;
   * the future completes when the server has answered it, exceptionally if it reported an error or the connection
   * ended first. A failed statement leaves the connection usable.
   */
  public CompletableFuture<Void> execute(String sql) {
    Objects.requireNonNull(sql, "sql");
    CompletableFuture<Void> answered = new CompletableFuture<>();
    sendLock.lock();
    try {
      if (closed || ended) {
        answered.completeExceptionally(new IOException("Listen connection to " + description + " is closed"));
        return answered;
      }
      unanswered.addLast(answered);
      stream.sendQuery(sql);
    } catch (IOException e) {
      unanswered.remove(answered);
      answered.completeExceptionally(e);
    } finally {
      sendLock.unlock();
    }
    return answered;
  }

  /**
   * Turns the liveness checks of {@link #run} into lag probes: each check becomes a NOTIFY on a channel of this
   * session's own, and the time until that notification comes back goes to {@code observer}. PostgreSQL hands a
   * listening session its own notifications after the commit, in queue order: the probe measures the commit, the
   * server's notification queue and every notification queued before it on its way to this node, which is what
   * an invalidation goes through too. Notifications carry no send time (adding one would change what every node
   * parses), so this is the lag as well as the receiver can measure it. Checks are then also made when messages
   * keep arriving, at most once per idle-check period, so that lag is measured under load too.
   *
   * @throws IOException if the server refuses the LISTEN or does not answer in time
   */
  public void probeLag(LongConsumer observer) throws IOException {
    Objects.requireNonNull(observer, "observer");
    String channel = "pgjcache_lag_probe_" + backendPid;
    listen(channel);
    probeChannel = channel;
    lagObserver = observer;
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
      long lastCheck = System.nanoTime();
      long idleNanos = idleCheck.toNanos();
      while (true) {
        if (!checking && lagObserver != null && System.nanoTime() - lastCheck >= idleNanos) {
          // Busy: no idle period triggers the check, but the lag is worth knowing most now.
          sendCheck();
          checking = true;
          lastCheck = System.nanoTime();
          checkDeadline = lastCheck + checkNanos;
        }
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
            sendCheck();
            checking = true;
            lastCheck = System.nanoTime();
            checkDeadline = lastCheck + checkNanos;
          }
          continue;
        }
        switch (message.type()) {
          case 'A' -> {
            Notification notification = notification(message);
            if (!isProbe(notification)) {
              handler.onNotification(notification.channel(), notification.payload(), notification.senderPid());
            }
          }
          case 'I', 'C', 'S', 'N', 'T', 'D' -> {
            // EmptyQueryResponse or a query's CommandComplete, RowDescription and DataRow (ReadyForQuery follows),
            // ParameterStatus, notices
          }
          case 'Z' -> {
            if (answered(message)) {
              checking = false;
              socket.setSoTimeout(idleMillis);
            }
          }
          case 'E' -> {
            ProtocolStream.ServerError error = message.error();
            if (!answeringExecuted()) {
              throw error;
            }
            answerError = error;
          }
          default -> throw unexpected(message, "listening");
        }
      }
    } catch (IOException e) {
      if (closed) {
        return;
      }
      throw new IOException("Listen connection to " + description + " lost: " + e.getMessage(), e);
    } finally {
      failUnanswered();
    }
  }

  /**
   * Takes the answered query off {@link #unanswered} at its ReadyForQuery; returns whether it was a liveness check
   * (otherwise its future completes).
   */
  private boolean answered(ProtocolStream.Message message) throws IOException {
    CompletableFuture<Void> answered;
    sendLock.lock();
    try {
      answered = unanswered.pollFirst();
    } finally {
      sendLock.unlock();
    }
    if (answered == null) {
      throw unexpected(message, "listening");
    }
    if (answered == CHECK) {
      return true;
    }
    ProtocolStream.ServerError error = answerError;
    answerError = null;
    if (error == null) {
      answered.complete(null);
    } else {
      answered.completeExceptionally(error);
    }
    return false;
  }

  /** Whether the query being answered now came from {@link #execute} (a liveness check's errors end the loop). */
  private boolean answeringExecuted() {
    sendLock.lock();
    try {
      CompletableFuture<Void> first = unanswered.peekFirst();
      return first != null && first != CHECK;
    } finally {
      sendLock.unlock();
    }
  }

  /** Fails what {@link #execute} sent and the server will not answer any more; no later call sends. */
  private void failUnanswered() {
    sendLock.lock();
    try {
      ended = true;
      IOException failure = new IOException("Listen connection to " + description + " ended before its answer");
      for (CompletableFuture<Void> pending : unanswered) {
        pending.completeExceptionally(failure);
      }
      unanswered.clear();
    } finally {
      sendLock.unlock();
    }
  }

  /** A liveness check: an empty query, or the next lag probe (see {@link #probeLag}). */
  private void sendCheck() throws IOException {
    sendLock.lock();
    try {
      unanswered.addLast(CHECK);
      if (lagObserver == null) {
        stream.sendQuery("");
        return;
      }
      probesSent++;
      probeSentAt = System.nanoTime();
      stream.sendQuery("NOTIFY " + probeChannel + ", '" + probesSent + "'");
    } finally {
      sendLock.unlock();
    }
  }

  /**
   * Whether the notification is on the probe channel, which it then ends at: the answer to the last probe is timed;
   * anything else there (an earlier probe that came late, a NOTIFY from another session) is ignored.
   */
  private boolean isProbe(Notification notification) {
    if (probeChannel == null || !probeChannel.equals(notification.channel())) {
      return false;
    }
    if (notification.senderPid() == backendPid && notification.payload().equals(Long.toString(probesSent))) {
      lagObserver.accept(System.nanoTime() - probeSentAt);
    }
    return true;
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
    ListenAuthentication authentication = new ListenAuthentication(target, socket, stream);
    while (true) {
      ProtocolStream.Message message = await(deadline, "the server to accept the session");
      switch (message.type()) {
        case 'R' -> authentication.answer(message);
        case 'K' -> backendPid = message.int32();
        case 'S', 'N' -> {
          // ParameterStatus and notices need nothing
        }
        case 'E' -> throw message.error();
        case 'Z' -> {
          return;
        }
        default -> throw unexpected(message, "startup");
      }
    }
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

  private static String describe(ListenTarget.Address address, ListenTarget target) {
    return address + "/" + target.database() + " as " + target.user();
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
