package io.pgjcache.benchmarks.nearcache;

import io.pgjcache.PgCacheManager;
import io.pgjcache.benchmarks.CacheTableCopy;
import io.pgjcache.benchmarks.PlainTable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.cache.Cache;
import javax.sql.DataSource;

/**
 * A JVM of {@link ListenerScaling}: either one writing node, or a host of listening nodes. It joins the cluster's
 * schema (named by the first argument) on the database that {@code PGJCACHE_JDBC_URL} names, and then follows
 * commands on its standard input, one per line, answering each on its standard output.
 * <ul>
 *   <li>{@code writer <schema> <name> <threads>}: a node with its near cache off (so no LISTEN connection) and a
 *       pool of {@code threads}. Command {@code run <contender> <start epoch ms> <warm-up ms> <measured ms> <seed>}
 *       waits for the start time, puts on {@code threads} threads in a closed loop and answers
 *       {@code result <ops/s>}; the contenders are {@code plain} and {@code triggers} (raw upserts on
 *       {@link ListenerScaling#PLAIN_TABLE} and {@link ListenerScaling#COPY_TABLE}) and {@code pgjcache}
 *       ({@code Cache.put}).</li>
 *   <li>{@code listeners <schema> <name>}: command {@code nodes <n>} opens or closes nodes until {@code n} are open,
 *       each a manager of its own with its near cache on, a pool of one and its own LISTEN connection, which
 *       near-caches every key once when it opens; answers {@code ok <n>}.</li>
 * </ul>
 * {@code quit} (or the end of the input) closes every node and ends the JVM.
 */
public final class ScalingNode {
  /**
   * How long a node waits for a connection: JVMs start here side by side on cores that the other JVMs and the
   * server keep busy, and the default of 5 s has run out before a first connection was made.
   */
  private static final String START_UP_PATIENCE = "PT30S";

  private ScalingNode() {
  }

  public static void main(String[] args) throws Exception {
    String role = args[0];
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (Nodes nodes = Nodes.join(args[1])) {
      if (role.equals("writer")) {
        writer(nodes, args[2], Integer.parseInt(args[3]), in);
      } else {
        listeners(nodes, args[2], in);
      }
    } catch (Exception e) {
      System.out.println("error " + e);
      System.out.flush();
      throw e;
    }
    System.exit(0);
  }

  private static void writer(Nodes nodes, String name, int threads, BufferedReader in) throws Exception {
    PgCacheManager node = nodes.node(name, Nodes.settings("pgjcache.pool.size", String.valueOf(threads),
        "pgjcache.near-cache.enabled", "false", "pgjcache.connection-timeout", START_UP_PATIENCE));
    Cache<String, String> cache = existingCache(node);
    DataSource dataSource = node.getDataSource();
    String schema = "\"" + nodes.schema() + "\".";
    String plainPut = PlainTable.statements(schema + ListenerScaling.PLAIN_TABLE).put();
    String copyPut = CacheTableCopy.statements(schema + ListenerScaling.COPY_TABLE).put();
    WriteKeys data = new WriteKeys();
    ZipfKeys zipf = new ZipfKeys(WriteKeys.KEYS, ZipfKeys.DEFAULT_EXPONENT);
    System.out.println("ok ready");
    for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
      String[] command = line.split(" ");
      long startAt = Long.parseLong(command[2]);
      Duration warmUp = Duration.ofMillis(Long.parseLong(command[3]));
      Duration measured = Duration.ofMillis(Long.parseLong(command[4]));
      long seed = Long.parseLong(command[5]);
      ThroughputProbe.WorkerFactory workers = switch (command[1]) {
        case "plain" -> t -> new StatementPut(dataSource, plainPut, data.plainKeys, data.plainValues,
            zipf.sequence(1 << 16, seed + t));
        case "triggers" -> t -> new StatementPut(dataSource, copyPut, data.digests, data.valueBytes,
            zipf.sequence(1 << 16, seed + t));
        case "pgjcache" -> t -> cachePut(cache, data, zipf.sequence(1 << 16, seed + t));
        default -> throw new IllegalArgumentException("unknown contender " + command[1]);
      };
      Thread.sleep(Math.max(0, startAt - System.currentTimeMillis()));
      double opsPerSecond = ThroughputProbe.opsPerSecond(threads, warmUp, measured, workers);
      System.out.println("result " + opsPerSecond);
    }
  }

  private static void listeners(Nodes nodes, String name, BufferedReader in) throws Exception {
    List<PgCacheManager> open = new ArrayList<>();
    WriteKeys data = new WriteKeys();
    int opened = 0;
    for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
      int wanted = Integer.parseInt(line.split(" ")[1]);
      while (open.size() < wanted) {
        PgCacheManager node = nodes.node(name + "-" + opened++, Nodes.settings("pgjcache.pool.size", "1",
            "pgjcache.near-cache.enabled", "true", "pgjcache.connection-timeout", START_UP_PATIENCE));
        nearCacheEveryKey(existingCache(node), data);
        open.add(node);
      }
      while (open.size() > wanted) {
        nodes.close(open.remove(open.size() - 1));
      }
      System.out.println("ok " + open.size());
    }
  }

  /** The cluster's cache, which the first JVM created. */
  private static Cache<String, String> existingCache(PgCacheManager node) {
    Cache<String, String> cache = node.getCache(ListenerScaling.CACHE, String.class, String.class);
    if (cache == null) {
      throw new IllegalStateException("node " + node.getURI() + " does not see cache " + ListenerScaling.CACHE);
    }
    return cache;
  }

  private static void nearCacheEveryKey(Cache<String, String> cache, WriteKeys data) {
    List<String> keys = List.of(data.keys);
    for (int from = 0; from < keys.size(); from += 1_000) {
      cache.getAll(new TreeSet<>(keys.subList(from, Math.min(keys.size(), from + 1_000))));
    }
  }

  private static ThroughputProbe.Worker cachePut(Cache<String, String> cache, WriteKeys data, int[] order) {
    return new ThroughputProbe.Worker() {
      private int position;

      @Override
      public void runOnce() {
        int key = order[position++ % order.length];
        cache.put(data.keys[key], data.values[key]);
      }
    };
  }

  /**
   * One thread's raw writer: a put statement of {@link io.pgjcache.benchmarks.RawStatements} on a connection it
   * keeps, binding prepared key and value bytes.
   */
  private static final class StatementPut implements ThroughputProbe.Worker {
    private final Connection connection;
    private final PreparedStatement put;
    private final byte[][] keys;
    private final byte[][] values;
    private final int[] order;
    private int position;

    StatementPut(DataSource dataSource, String sql, byte[][] keys, byte[][] values, int[] order) throws SQLException {
      this.connection = dataSource.getConnection();
      this.put = connection.prepareStatement(sql);
      this.keys = keys;
      this.values = values;
      this.order = order;
    }

    @Override
    public void runOnce() throws SQLException {
      int key = order[position++ % order.length];
      put.setBytes(1, keys[key]);
      put.setBytes(2, values[key]);
      put.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
      try {
        put.close();
      } finally {
        connection.close();
      }
    }
  }
}
