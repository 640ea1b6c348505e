package io.pgjcache.internal.notify;

import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.codec.DigestKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns a manager's one LISTEN connection and turns its notifications into near-cache invalidations and,
 * for caches with cluster-wide listeners, into entry events.
 *
 * <p><b>Threading.</b> One daemon thread, {@code pgjcache-<manager>-listener}, connects, LISTENs and then
 * hands every notification to the {@link Sink} the moment it is read. When the connection fails it reports
 * the stream lost (every near cache is cleared and bypassed), then reconnects with backoff; once LISTEN is
 * in place again it clears the near caches once more (messages may have been missed in between) and only
 * then declares the stream live. {@link #close()} stops the thread from any thread.
 *
 * <p>Payloads are {@code "<cache id> <base64 digest> ..."} or {@code "<cache id> *"} (see the trigger
 * function in {@code Sql}), and cluster events (see {@code ClusterEvents}). Any database user can send
 * notifications on these channels: payloads that do not parse are dropped and counted
 * ({@link MalformedNotifications}).
 */
public final class InvalidationListener implements NearCache.Stream, AutoCloseable {
  /** Where invalidations go. */
  public interface Sink {
    /** These keys changed in a transaction of the backend with process id {@code senderPid}. */
    void invalidate(int cacheId, List<DigestKey> keys, int senderPid);

    void invalidateAll(int cacheId);

    /** Every near cache must be cleared: notifications may have been lost. */
    void invalidateEverything();

    /**
     * An entry event another node published (see {@code ClusterEvents}).
     *
     * @throws IllegalArgumentException if the payload does not parse
     */
    void clusterEvent(String payload);
  }

  /** One connection's life: the generation it went live in and its backend's process id. */
  public record Session(long generation, int backendPid) {
  }

  private static final System.Logger LOG = System.getLogger(InvalidationListener.class.getName());
  private static final Duration IDLE_CHECK = Duration.ofSeconds(5);
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);
  private static final long FIRST_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private final String managerName;
  private final ListenTarget target;
  private final String channel;
  private final String eventsChannel;
  private final Duration connectTimeout;
  private final Sink sink;
  private final Thread thread;
  private final AtomicLong generation = new AtomicLong();
  private final CountDownLatch firstConnect = new CountDownLatch(1);
  private volatile boolean live;
  private volatile boolean closed;
  private volatile ListenConnection connection;
  /** The live connection's session, or null while it is down. */
  private volatile Session session;
  /** Told each time the stream goes live, on the listener thread. */
  private final List<Runnable> liveHooks = new CopyOnWriteArrayList<>();
  private final MalformedNotifications malformed;
  private final ListenerFigures figures = new ListenerFigures();

  /**
   * @param channel       where cache tables announce changes (invalidations)
   * @param eventsChannel where nodes publish entry events for cluster-wide listeners
   */
  public InvalidationListener(String managerName, ListenTarget target, String channel, String eventsChannel,
      Duration connectTimeout, Sink sink, ThreadFactory threads) {
    this.managerName = Objects.requireNonNull(managerName, "managerName");
    this.target = Objects.requireNonNull(target, "target");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.eventsChannel = Objects.requireNonNull(eventsChannel, "eventsChannel");
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.malformed = new MalformedNotifications(managerName);
    this.thread = threads.newThread(this::runLoop);
    thread.start();
  }

  @Override
  public boolean isLive() {
    return live;
  }

  @Override
  public long generation() {
    return generation.get();
  }

  /** The live connection's session, or null while the stream is down. */
  public Session session() {
    Session current = session;
    return live && current != null && current.generation() == generation.get() ? current : null;
  }

  /**
   * Runs a statement of the provider's own on the LISTEN connection of the given session, waiting at most
   * {@code timeout} for its answer: what the statement does to the session (an advisory lock it takes) lasts exactly
   * as long as that session.
   *
   * @throws IOException if that session is over, the statement failed, or no answer came in time
   */
  public void execute(Session in, String sql, Duration timeout) throws IOException {
    ListenConnection current = connection;
    if (current == null || !in.equals(session())) {
      throw new IOException("the LISTEN connection of generation " + in.generation() + " is gone");
    }
    try {
      current.execute(sql).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("no answer on the LISTEN connection within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting on the LISTEN connection", e);
    }
  }

  /** Runs {@code hook} each time the stream goes live (a connection came up and LISTENs), on the listener thread. */
  public void onLive(Runnable hook) {
    liveHooks.add(Objects.requireNonNull(hook, "hook"));
  }

  /** What the connection went through so far. */
  public ListenerFigures.Snapshot figures() {
    return figures.snapshot();
  }

  /** Notifications dropped because they did not parse. */
  public long malformedNotifications() {
    return malformed.count();
  }

  /** Waits until the first connection attempt has succeeded or failed; true if live. */
  public boolean awaitFirstConnect(Duration timeout) {
    try {
      firstConnect.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return live;
  }

  @Override
  public void close() {
    closed = true;
    ListenConnection current = connection;
    if (current != null) {
      current.close();
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runLoop() {
    long backoff = FIRST_BACKOFF_MILLIS;
    boolean reportedDown = false;
    while (!closed) {
      try (ListenConnection opened = ListenConnection.open(target, connectTimeout, "pgjcache-listener")) {
        connection = opened;
        if (closed) {
          break;
        }
        opened.listen(channel);
        opened.listen(eventsChannel);
        opened.probeLag(figures::lag);
        goLive(opened.backendPid());
        if (reportedDown) {
          LOG.log(Level.INFO, "pgjcache: manager " + managerName + ": invalidations flow again; near caches refill");
          reportedDown = false;
        }
        backoff = FIRST_BACKOFF_MILLIS;
        opened.run(this::onNotification, IDLE_CHECK, CHECK_TIMEOUT);
      } catch (IOException | RuntimeException e) {
        if (!closed && !reportedDown) {
          LOG.log(Level.WARNING, "pgjcache: manager " + managerName + ": the LISTEN connection to " + target
              + " failed (" + e.getMessage() + "); near caches are cleared and bypassed until it is back");
          reportedDown = true;
        }
      } finally {
        connection = null;
        goDown();
        firstConnect.countDown();
      }
      if (!sleep(backoff)) {
        break;
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }
  }

  /** Order matters: a new generation first, then the clear, then live; see {@link NearCache}. */
  private void goLive(int backendPid) {
    session = new Session(generation.incrementAndGet(), backendPid);
    sink.invalidateEverything();
    live = true;
    figures.wentLive(backendPid);
    firstConnect.countDown();
    liveHooks.forEach(Runnable::run);
  }

  private void goDown() {
    live = false;
    session = null;
    figures.wentDown();
    generation.incrementAndGet();
    sink.invalidateEverything();
  }

  /**
   * Any database user may NOTIFY our channels, so a payload is untrusted input: one that does not parse is
   * dropped and counted, and never ends the loop (which would clear every near cache of this node).
   */
  private void onNotification(String channelName, String payload, int senderPid) {
    figures.received();
    if (channelName.equals(eventsChannel)) {
      try {
        sink.clusterEvent(payload);
      } catch (IllegalArgumentException e) {
        malformed.drop(channelName, payload, senderPid, e.getMessage());
      }
      return;
    }
    Invalidation invalidation;
    try {
      invalidation = Invalidation.parse(payload);
    } catch (IllegalArgumentException e) {
      malformed.drop(channelName, payload, senderPid, e.getMessage());
      return;
    }
    if (invalidation.skipped() > 0) {
      malformed.drop(channelName, payload, senderPid, invalidation.skipped() + " token(s) not a key digest");
    }
    if (invalidation.keys() == null) {
      sink.invalidateAll(invalidation.cacheId());
    } else {
      sink.invalidate(invalidation.cacheId(), invalidation.keys(), senderPid);
    }
  }

  private boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return !closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
