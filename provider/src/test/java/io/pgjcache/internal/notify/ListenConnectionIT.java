package io.pgjcache.internal.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgjcache.PgCacheManager;
import io.pgjcache.testing.Cluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The LISTEN client against a real server: the embedded PostgreSQL, or the server of {@code PGJCACHE_JDBC_URL}
 * (then with that URL's credentials, so password authentication is exercised too).
 */
class ListenConnectionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration LONG_IDLE = Duration.ofSeconds(30);

  private static Cluster cluster;
  private static DataSource dataSource;
  private static ListenTarget target;

  @BeforeAll
  static void connect() throws SQLException {
    // A manager finds the server the way the provider does (starting the embedded one if none is configured)
    // and gives us its pool for the sending side.
    cluster = Cluster.of(1);
    dataSource = cluster.node(0).unwrap(PgCacheManager.class).getDataSource();
    String url = System.getenv("PGJCACHE_JDBC_URL");
    if (url != null) {
      target = ListenTarget.fromJdbcUrl(url, System.getenv("PGJCACHE_JDBC_USER"), System.getenv("PGJCACHE_JDBC_PASSWORD"));
    } else {
      try (Connection connection = dataSource.getConnection()) {
        target = ListenTarget.fromJdbcUrl(connection.getMetaData().getURL(), connection.getMetaData().getUserName(), null);
      }
    }
  }

  @AfterAll
  static void disconnect() {
    cluster.close();
  }

  @Test
  void notifications_areHandedOnInOrder_withTheSendersPid() throws Exception {
    String channel = newChannel();
    try (Listener listener = new Listener(LONG_IDLE, TIMEOUT, channel);
         Connection sender = dataSource.getConnection();
         Statement statement = sender.createStatement()) {
      statement.execute("NOTIFY " + channel + ", 'x'");
      statement.execute("SELECT pg_notify('" + channel + "', 'y')");
      statement.execute("NOTIFY " + channel);

      await().atMost(TIMEOUT).until(() -> listener.received.size() == 3);
      assertThat(listener.payloads()).containsExactly("x", "y", "");
      assertThat(listener.received).allSatisfy(notification -> {
        assertThat(notification.channel()).isEqualTo(channel);
        assertThat(notification.senderPid()).isEqualTo(backendPid(sender));
      });
      assertThat(listener.connection.backendPid()).isNotEqualTo(backendPid(sender)).isPositive();
    }
  }

  @Test
  void channelName_isTakenExactly_caseAndQuotesIncluded() throws Exception {
    String channel = "Mixed \"Quoted\" " + newChannel();
    try (Listener listener = new Listener(LONG_IDLE, TIMEOUT, channel);
         Connection sender = dataSource.getConnection();
         PreparedStatement notify = sender.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify(notify, channel.toLowerCase(), "other channel");
      notify(notify, channel, "this channel");

      await().atMost(TIMEOUT).until(() -> listener.received.size() == 1);
      assertThat(listener.received.get(0).channel()).isEqualTo(channel);
      assertThat(listener.payloads()).containsExactly("this channel");
    }
  }

  @Test
  void notificationsOfSeveralChannels_includingThoseArrivingDuringListen_areAllHandedOn() throws Exception {
    String first = newChannel();
    String second = newChannel();
    try (ListenConnection connection = ListenConnection.open(target, TIMEOUT, "pgjcache-test");
         Connection sender = dataSource.getConnection();
         PreparedStatement notify = sender.prepareStatement("SELECT pg_notify(?, ?)")) {
      connection.listen(first);
      notify(notify, first, "before the second LISTEN");
      connection.listen(second);
      notify(notify, second, "after");

      try (Listener listener = new Listener(connection, LONG_IDLE, TIMEOUT)) {
        await().atMost(TIMEOUT).until(() -> listener.received.size() == 2);
        assertThat(listener.payloads()).containsExactly("before the second LISTEN", "after");
      }
    }
  }

  @Test
  void burstAtFullSpeed_isDeliveredCompletelyAndInOrder_withLowLatency() throws Exception {
    int count = 10_000;
    String channel = newChannel();
    long[] latencies = new long[count];
    int[] order = new int[count];
    AtomicInteger delivered = new AtomicInteger();
    try (ListenConnection connection = ListenConnection.open(target, TIMEOUT, "pgjcache-test")) {
      connection.listen(channel);
      // The handler does only what a real one would: note the message, and return at once.
      CompletableFuture<Void> running = runInBackground(connection, (name, payload, pid) -> {
        long now = System.nanoTime();
        int separator = payload.indexOf(':');
        int index = Integer.parseInt(payload.substring(0, separator));
        latencies[index] = now - Long.parseLong(payload.substring(separator + 1));
        order[delivered.get()] = index;
        delivered.incrementAndGet();
      }, LONG_IDLE, TIMEOUT);

      long started = System.nanoTime();
      try (Connection sender = dataSource.getConnection();
           PreparedStatement notify = sender.prepareStatement("SELECT pg_notify(?, ?)")) {
        for (int i = 0; i < count; i++) {
          notify(notify, channel, i + ":" + System.nanoTime());
        }
      }
      double sendSeconds = (System.nanoTime() - started) / 1e9;

      await().atMost(Duration.ofSeconds(60)).until(() -> delivered.get() >= count || running.isDone());
      assertThat(running).isNotDone();
      assertThat(delivered.get()).isEqualTo(count);
      for (int i = 0; i < count; i++) {
        assertThat(order[i]).as("position %d", i).isEqualTo(i);
      }

      Arrays.sort(latencies);
      double p50 = millis(latencies[count / 2]);
      double p99 = millis(latencies[count * 99 / 100]);
      double max = millis(latencies[count - 1]);
      System.out.printf("Listen connection, %d notifications sent one per statement at %.0f/s: "
          + "delivery latency p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", count, count / sendSeconds, p50, p99, max);
      // The median catches a reader that waits for the stream to pause (p50 of 80 ms and more). The tail also
      // holds the sender's commit (a WAL flush each) and a busy machine's scheduling, so its bound is loose.
      assertThat(p50).as("p50 latency, ms").isLessThan(50);
      assertThat(p99).as("p99 latency, ms").isLessThan(500);
    }
  }

  @Test
  void notificationOfARolledBackTransaction_isNeverDelivered() throws Exception {
    String channel = newChannel();
    try (Listener listener = new Listener(LONG_IDLE, TIMEOUT, channel);
         Connection sender = dataSource.getConnection();
         Statement statement = sender.createStatement()) {
      sender.setAutoCommit(false);
      statement.execute("NOTIFY " + channel + ", 'rolled back'");
      sender.rollback();
      statement.execute("NOTIFY " + channel + ", 'committed'");
      sender.commit();
      sender.setAutoCommit(true);

      // Notifications arrive in commit order: once the later one is here, the earlier would have been too.
      await().atMost(TIMEOUT).until(() -> !listener.received.isEmpty());
      assertThat(listener.payloads()).containsExactly("committed");
    }
  }

  @Test
  void close_fromAnotherThread_makesRunReturnPromptly() throws Exception {
    try (Listener listener = new Listener(LONG_IDLE, TIMEOUT, newChannel())) {
      await().during(Duration.ofMillis(200)).atMost(TIMEOUT).until(() -> !listener.ended.isDone());

      long started = System.nanoTime();
      listener.connection.close();

      listener.ended.get(2, TimeUnit.SECONDS);
      System.out.printf("Listen connection: run returned %.1f ms after close()%n", millis(System.nanoTime() - started));
    }
  }

  @Test
  void terminatedBackend_makesRunThrowPromptly() throws Exception {
    try (Listener listener = new Listener(LONG_IDLE, TIMEOUT, newChannel());
         Connection admin = dataSource.getConnection();
         PreparedStatement terminate = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
      terminate.setInt(1, listener.connection.backendPid());
      terminate.execute();

      assertThatThrownBy(() -> listener.ended.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IOException.class)
          .hasMessageContaining("57P01");
    }
  }

  @Test
  void idleButHealthyConnection_staysOpen_throughLivenessChecks() throws Exception {
    String channel = newChannel();
    try (Listener listener = new Listener(Duration.ofMillis(200), Duration.ofSeconds(2), channel);
         Connection sender = dataSource.getConnection();
         PreparedStatement activity = sender.prepareStatement("SELECT query FROM pg_stat_activity WHERE pid = ?")) {
      await().during(Duration.ofSeconds(1)).atMost(TIMEOUT).until(() -> !listener.ended.isDone());

      // The last statement of the listening session is the empty query of a check, not the LISTEN.
      activity.setInt(1, listener.connection.backendPid());
      try (ResultSet row = activity.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).isEmpty();
      }
      try (Statement statement = sender.createStatement()) {
        statement.execute("NOTIFY " + channel + ", 'still listening'");
      }
      await().atMost(TIMEOUT).until(() -> !listener.received.isEmpty());
      assertThat(listener.payloads()).containsExactly("still listening");
    }
  }

  @Test
  void serverThatStopsAnswering_failsTheLivenessCheck() throws Exception {
    try (StallingProxy proxy = new StallingProxy(target.host(), target.port())) {
      ListenTarget throughProxy = target.at(proxy.host(), proxy.port());
      try (Listener listener = new Listener(ListenConnection.open(throughProxy, TIMEOUT, "pgjcache-test"),
          Duration.ofMillis(200), Duration.ofMillis(500))) {
        await().during(Duration.ofMillis(600)).atMost(TIMEOUT).until(() -> !listener.ended.isDone());

        proxy.stall();

        assertThatThrownBy(() -> listener.ended.get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(IOException.class)
            .hasMessageContaining("No answer from the server within PT0.5S");
      }
    }
  }

  @Test
  void wrongPassword_failsWithoutRevealingIt() {
    assumeTrue(target.password() != null, "the server of this run lets the test user in without a password");
    String wrong = "wrong-" + UUID.randomUUID();
    ListenTarget wrongTarget = new ListenTarget(target.host(), target.port(), target.database(), target.user(), wrong);

    assertThatThrownBy(() -> ListenConnection.open(wrongTarget, TIMEOUT, "pgjcache-test"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("28P01")
        .hasMessageNotContaining(wrong);
  }

  @Test
  void unknownDatabase_failsWithTheServersError() {
    ListenTarget missing = new ListenTarget(target.host(), target.port(), "no_such_database_" + UUID.randomUUID()
        .toString().replace("-", ""), target.user(), target.password());

    assertThatThrownBy(() -> ListenConnection.open(missing, TIMEOUT, "pgjcache-test"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("3D000")
        .hasMessageContaining(missing.database());
  }

  @Test
  void unreachableServer_failsWithTheAddress() throws Exception {
    int freePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      freePort = socket.getLocalPort();
    }
    ListenTarget nobody = new ListenTarget("127.0.0.1", freePort, "cache", "app", null);

    assertThatThrownBy(() -> ListenConnection.open(nobody, TIMEOUT, "pgjcache-test"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("127.0.0.1:" + freePort);
  }

  @Test
  void open_triesTheUrlsHostsInOrder_asPgjdbcDoes() throws Exception {
    int freePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      freePort = socket.getLocalPort();
    }
    ListenTarget.Address server = target.addresses().get(0);
    ListenTarget secondHostListens = ListenTarget.fromJdbcUrl("jdbc:postgresql://127.0.0.1:" + freePort + ","
        + server + "/" + target.database(), target.user(), target.password());

    try (ListenConnection connection = ListenConnection.open(secondHostListens, TIMEOUT, "pgjcache-test")) {
      assertThat(connection.toString()).contains(server.toString());
      assertThat(connection.backendPid()).isPositive();
    }
  }

  private static String newChannel() {
    return "listen_it_" + UUID.randomUUID().toString().replace("-", "");
  }

  private static void notify(PreparedStatement notify, String channel, String payload) throws SQLException {
    notify.setString(1, channel);
    notify.setString(2, payload);
    notify.execute();
  }

  private static int backendPid(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
      row.next();
      return row.getInt(1);
    }
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private static CompletableFuture<Void> runInBackground(ListenConnection connection, NotificationHandler handler,
      Duration idleCheck, Duration checkTimeout) {
    CompletableFuture<Void> ended = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        connection.run(handler, idleCheck, checkTimeout);
        ended.complete(null);
      } catch (Throwable e) {
        ended.completeExceptionally(e);
      }
    }, "listen-test");
    thread.setDaemon(true);
    thread.start();
    return ended;
  }

  record Received(String channel, String payload, int senderPid) {
  }

  /** A listen connection whose {@code run} loop collects notifications on a thread of its own. */
  private static final class Listener implements AutoCloseable {
    final ListenConnection connection;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> ended;

    Listener(Duration idleCheck, Duration checkTimeout, String channel) throws IOException {
      this(listening(channel), idleCheck, checkTimeout);
    }

    Listener(ListenConnection connection, Duration idleCheck, Duration checkTimeout) {
      this.connection = connection;
      this.ended = runInBackground(connection,
          (channel, payload, pid) -> received.add(new Received(channel, payload, pid)), idleCheck, checkTimeout);
    }

    private static ListenConnection listening(String channel) throws IOException {
      ListenConnection connection = ListenConnection.open(target, TIMEOUT, "pgjcache-test");
      try {
        connection.listen(channel);
        return connection;
      } catch (IOException | RuntimeException e) {
        connection.close();
        throw e;
      }
    }

    List<String> payloads() {
      List<String> payloads = new ArrayList<>();
      received.forEach(notification -> payloads.add(notification.payload()));
      return payloads;
    }

    @Override
    public void close() throws Exception {
      connection.close();
      ended.handle((ignored, failure) -> null).get(5, TimeUnit.SECONDS);
    }
  }
}
