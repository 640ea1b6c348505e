package io.pgjcache.benchmarks.nearcache;

import io.pgjcache.PgCache;
import io.pgjcache.PgCacheConfiguration;
import io.pgjcache.PgCacheManager;
import io.pgjcache.benchmarks.CacheTableCopy;
import io.pgjcache.internal.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.sql.DataSource;

/**
 * Where the cost of {@link WriteCost} goes: pgjcache's put statement by raw JDBC against copies of a cache table
 * that differ only in their triggers, from none to pgjcache's own, with steps in between (an empty trigger, a bare
 * NOTIFY) and two alternative designs (a row trigger; statement triggers that read only the new rows). No node
 * listens. Prints ops/s per variant and thread count (median of the rounds) and each variant's share of the
 * no-trigger throughput.
 *
 * <p>From the repository root (builds the provider in the same reactor; nothing is installed):
 * <pre>
 * mvn -q -Pnearcache -Dnearcache=trigger-cost -pl benchmarks -am package -DskipTests [-Dnearcache.rounds=2]
 * </pre>
 * About 2 minutes per round.
 */
final class TriggerCost {
  private static final int[] THREADS = Runs.threadCounts(new int[] {1, 4, 16});
  private static final Duration WARM_UP = Runs.length(Duration.ofSeconds(1));
  private static final Duration MEASURED = Runs.length(Duration.ofSeconds(4));
  /** Nobody listens here: the variants pay for sending, as a cache with no node listening does. */
  private static final String CHANNEL = "'pgjcache_bench_trigger_cost'";

  /** A copy of the cache table with some triggers. */
  private record Variant(String name, String description, List<String> triggers) {
  }

  private TriggerCost() {
  }

  static String run() throws Exception {
    int rounds = Runs.count();
    String loadBefore = Machine.loadAverage();
    WriteKeys data = new WriteKeys();
    ZipfKeys zipf = new ZipfKeys(WriteKeys.KEYS, ZipfKeys.DEFAULT_EXPONENT);
    Map<String, List<Double>> results = new LinkedHashMap<>();
    List<Variant> variants;
    try (Nodes nodes = new Nodes()) {
      PgCacheManager writer = nodes.node("writer", Nodes.settings("pgjcache.pool.size", "20",
          "pgjcache.near-cache.enabled", "false"));
      PgCacheConfiguration<String, String> configuration = new PgCacheConfiguration<>();
      configuration.setTypes(String.class, String.class);
      Cache<String, String> cache = writer.createCache("trigger-cost", configuration);
      Map<String, String> all = new LinkedHashMap<>();
      for (int i = 0; i < WriteKeys.KEYS; i++) {
        all.put(data.keys[i], data.values[i]);
      }
      cache.putAll(all);
      String schema = "\"" + nodes.schema() + "\"";
      String sequence = schema + ".\"entry_version\"";
      String cacheTable = cache.unwrap(PgCache.class).getTableName();
      DataSource dataSource = writer.getDataSource();
      variants = variants(schema, dataSource, cacheTable);
      createVariants(dataSource, schema, cacheTable, variants);
      for (int round = 1; round <= rounds; round++) {
        for (int threads : THREADS) {
          for (Variant variant : variants) {
            String table = schema + ".\"" + variant.name() + "\"";
            int lockClass = 100 + variants.indexOf(variant);
            int salt = threads * 1_000;
            double opsPerSecond = ThroughputProbe.opsPerSecond(threads, WARM_UP, MEASURED,
                t -> new RawUpsert(dataSource, table, sequence, lockClass, data, zipf.sequence(1 << 16, t + salt)));
            results.computeIfAbsent(variant.name() + "/" + threads, k -> new ArrayList<>()).add(opsPerSecond);
            System.err.printf("round %d, %d threads, %s: %,.0f ops/s%n", round, threads, variant.name(), opsPerSecond);
          }
        }
      }
    }
    return report(variants, results, rounds, loadBefore, Machine.loadAverage());
  }

  private static List<Variant> variants(String schema, DataSource dataSource, String cacheTable) throws SQLException {
    String table = "%TABLE%";
    return List.of(
        new Variant("no_trigger", "no trigger", List.of()),
        new Variant("empty_statement_triggers", "empty statement triggers with transition tables (INSERT, UPDATE)",
            List.of("CREATE TRIGGER i AFTER INSERT ON " + table + " REFERENCING NEW TABLE AS new_rows"
                    + " FOR EACH STATEMENT EXECUTE FUNCTION " + schema + ".bench_nothing()",
                "CREATE TRIGGER u AFTER UPDATE ON " + table + " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
                    + " FOR EACH STATEMENT EXECUTE FUNCTION " + schema + ".bench_nothing()")),
        new Variant("bare_notify", "one NOTIFY per statement, constant payload, no transition tables",
            List.of("CREATE TRIGGER n AFTER INSERT OR UPDATE ON " + table
                + " FOR EACH STATEMENT EXECUTE FUNCTION " + schema + ".bench_notify_constant()")),
        new Variant("row_trigger", "alternative: row trigger, NOTIFY of the row's digest",
            List.of("CREATE TRIGGER r AFTER INSERT OR UPDATE ON " + table
                + " FOR EACH ROW EXECUTE FUNCTION " + schema + ".bench_notify_row()")),
        new Variant("new_rows_only", "alternative: statement triggers as pgjcache's, UPDATE reads new rows only",
            List.of("CREATE TRIGGER i AFTER INSERT ON " + table + " REFERENCING NEW TABLE AS new_rows"
                    + " FOR EACH STATEMENT EXECUTE FUNCTION " + schema + ".bench_notify_new_rows()",
                "CREATE TRIGGER u AFTER UPDATE ON " + table + " REFERENCING NEW TABLE AS new_rows"
                    + " FOR EACH STATEMENT EXECUTE FUNCTION " + schema + ".bench_notify_new_rows()")),
        new Variant("pgjcache", "pgjcache's triggers (copied from the cache table)",
            pgjcacheTriggers(dataSource, cacheTable, table)));
  }

  /** The cache table's own trigger definitions, with the table name replaced by {@code placeholder}. */
  private static List<String> pgjcacheTriggers(DataSource dataSource, String cacheTable, String placeholder)
      throws SQLException {
    List<String> triggers = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      // No node near-caches this cache, so its table has no triggers yet: give it the ones a near-cacher would.
      CacheTableCopy.addNotifyTriggers(c, cacheTable);
      String printed;
      try (ResultSet rs = s.executeQuery("SELECT '" + cacheTable.replace("'", "''") + "'::regclass::text")) {
        rs.next();
        printed = rs.getString(1);
      }
      try (ResultSet rs = s.executeQuery("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
          + " AND tgrelid = '" + cacheTable.replace("'", "''") + "'::regclass ORDER BY tgname")) {
        while (rs.next()) {
          triggers.add(rs.getString(1).replace(" ON " + printed + " ", " ON " + placeholder + " "));
        }
      }
    }
    if (triggers.isEmpty()) {
      throw new IllegalStateException("the cache table " + cacheTable + " has no triggers");
    }
    return triggers;
  }

  private static void createVariants(DataSource dataSource, String schema, String cacheTable, List<Variant> variants)
      throws SQLException {
    // A row key shorter than a digest is the key itself, named by its digest as pgjcache's own trigger names it.
    String digest = Sql.digestOf("key_digest");
    String notifyDigests = "DECLARE n integer; digests text; BEGIN"
        + " SELECT count(*), string_agg(encode(d, 'base64'), ' ') INTO n, digests"
        + " FROM (SELECT " + digest + " AS d FROM new_rows LIMIT 65) AS changed;"
        + " IF n > 64 THEN PERFORM pg_notify(" + CHANNEL + ", '1 *');"
        + " ELSIF n > 0 THEN PERFORM pg_notify(" + CHANNEL + ", '1 ' || digests); END IF; RETURN NULL; END";
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(function(schema, "bench_nothing", "BEGIN RETURN NULL; END"));
      s.execute(function(schema, "bench_notify_constant", "BEGIN PERFORM pg_notify(" + CHANNEL + ", '1 x');"
          + " RETURN NULL; END"));
      s.execute(function(schema, "bench_notify_row", "BEGIN PERFORM pg_notify(" + CHANNEL + ", '1 ' ||"
          + " encode(" + Sql.digestOf("NEW.key_digest") + ", 'base64')); RETURN NULL; END"));
      s.execute(function(schema, "bench_notify_new_rows", notifyDigests));
      for (Variant variant : variants) {
        String table = schema + ".\"" + variant.name() + "\"";
        s.execute("CREATE UNLOGGED TABLE " + table + " (LIKE " + cacheTable + " INCLUDING ALL)"
            + " WITH (fillfactor = 80)");
        s.execute("INSERT INTO " + table + " SELECT * FROM " + cacheTable);
        for (String trigger : variant.triggers()) {
          s.execute(trigger.replace("%TABLE%", table));
        }
        s.execute("VACUUM ANALYZE " + table);
      }
    }
  }

  private static String function(String schema, String name, String body) {
    return "CREATE FUNCTION " + schema + "." + name + "() RETURNS trigger LANGUAGE plpgsql AS $fn$" + body + "$fn$";
  }

  private static String report(List<Variant> variants, Map<String, List<Double>> results, int rounds,
      String loadBefore, String loadAfter) {
    List<String> header = new ArrayList<>(List.of("triggers on the table"));
    for (int threads : THREADS) {
      header.add(threads + " thread" + (threads == 1 ? "" : "s") + " (ops/s, share)");
    }
    MarkdownTable table = new MarkdownTable(header.toArray(new String[0]));
    for (Variant variant : variants) {
      List<Object> row = new ArrayList<>(List.of(variant.description()));
      for (int threads : THREADS) {
        double ops = Runs.median(results.get(variant.name() + "/" + threads));
        double none = Runs.median(results.get("no_trigger/" + threads));
        row.add(MarkdownTable.count(ops) + " (" + MarkdownTable.decimal(ops / none, 2) + ")");
      }
      table.row(row.toArray());
    }
    return "### Where a write's invalidation cost goes\n\n"
        + "pgjcache's put statement by raw JDBC (as in the write-cost table) against copies of one cache table that "
        + "differ only in their triggers; no node listens. " + WARM_UP.toSeconds() + " s warm-up, "
        + MEASURED.toSeconds() + " s measured per cell; medians of " + rounds + " run(s); the share is of the "
        + "no-trigger throughput at the same thread count.\n\n"
        + table.render() + "\n"
        + "Load average (1, 5, 15 min) before: " + loadBefore + ", after: " + loadAfter + "\n";
  }
}
