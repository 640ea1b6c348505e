package io.pgjcache.benchmarks.nearcache;

import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.internal.notify.ListenConnection;
import io.pgjcache.internal.notify.ListenTarget;
import io.pgjcache.internal.store.Identifiers;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A diagnostic listener next to the nodes: the provider's own LISTEN connection class with nothing behind it,
 * on its own thread, noting when each notification about a key reaches this JVM. Set against the time a write
 * committed, it gives the delivery time through PostgreSQL and the socket alone, which tells how much of a
 * node's invalidation latency is delivery and how much is the node itself. It reads pgjcache's internal
 * notification format and channel name, which only a diagnostic may rely on.
 */
final class NotificationProbe implements AutoCloseable {
  private final ListenConnection connection;
  private final Thread thread;
  private final Map<String, Integer> keyByDigest = new HashMap<>();
  private final long[][] arrivals;
  private final int[] counts;
  private volatile IOException failure;

  /** Listens on the schema's channel; up to {@code capacityPerKey} arrivals are kept per key. */
  NotificationProbe(DataSource dataSource, String schema, String[] keys, int capacityPerKey) throws IOException {
    Base64.Encoder base64 = Base64.getEncoder();
    for (int k = 0; k < keys.length; k++) {
      keyByDigest.put(base64.encodeToString(StoredForm.digest(StoredForm.encode(keys[k]))), k);
    }
    arrivals = new long[keys.length][capacityPerKey];
    counts = new int[keys.length];
    HikariDataSource pool = (HikariDataSource) dataSource;
    connection = ListenConnection.open(ListenTarget.fromJdbcUrl(pool.getJdbcUrl(), pool.getUsername(),
        pool.getPassword()), Duration.ofSeconds(5), "nearcache-probe");
    connection.listen(Identifiers.channel(schema));
    thread = new Thread(this::run, "nearcache-probe");
    thread.start();
  }

  /** When the {@code index}-th notification about a key arrived (nanoTime), or 0; after {@link #close()}. */
  long arrival(int key, int index) {
    return index < counts[key] ? arrivals[key][index] : 0;
  }

  int count(int key) {
    return counts[key];
  }

  @Override
  public void close() throws IOException {
    connection.close();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the probe stopped");
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void run() {
    try {
      connection.run(this::onNotification, Duration.ofSeconds(5), Duration.ofSeconds(5));
    } catch (IOException e) {
      failure = e;
    }
  }

  /** Payloads are {@code "<cache id> <base64 digest> ..."}, or {@code "<cache id> *"} for "anything". */
  private void onNotification(String channel, String payload, int senderPid) {
    long now = System.nanoTime();
    String[] parts = payload.split(" ");
    for (int i = 1; i < parts.length; i++) {
      Integer key = keyByDigest.get(parts[i]);
      if (key != null && counts[key] < arrivals[key].length) {
        arrivals[key][counts[key]++] = now;
      }
    }
  }
}
