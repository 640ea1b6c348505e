package io.pgjcache.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pgjcache.PgCacheConfiguration;
import io.pgjcache.PgCacheManager;
import io.pgjcache.benchmarks.codec.CodecBenchmark;
import io.pgjcache.benchmarks.codec.CodecBenchmark.Order;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * End-to-end throughput of each codec: pgjcache caches of an order DTO (the JMH {@link CodecBenchmark}'s 1 kB shape,
 * a record with a list of 8 lines) on the {@code java}, {@code json} and {@code kryo} codecs, next to the raw JDBC
 * reference, a plain unlogged table holding each order's JSON text as {@code bytea}, all in the same run and with the
 * {@link LoadDriver}'s machinery: the same Zipf keys, rounds in turn, pools of one size, near caches off, so every
 * call reaches PostgreSQL. Each cache declares its value type, so the json codec stores the bare document.
 *
 * <p>Run it from the repository root (the {@code bench} profile with another driver class):
 * <pre>
 * mvn -q -Pbench -pl benchmarks -am package -DskipTests -Dbench.driver=io.pgjcache.benchmarks.CodecLoadDriver
 * </pre>
 * It takes the {@link LoadDriver}'s settings ({@code bench.quick}, {@code bench.threads}, ...); its workloads default
 * to {@code get,put}. About 6 minutes with the defaults; {@code -Dbench.quick=true} takes about 1.
 */
public final class CodecLoadDriver {
  private static final List<String> CODECS = List.of("java", "json", "kryo");
  private static final String PLAIN_TABLE = "plain_table_codecs";

  private final BenchmarkSettings settings;
  private final PrintStream progress;

  CodecLoadDriver(BenchmarkSettings settings, PrintStream progress) {
    this.settings = settings;
    this.progress = progress;
  }

  public static void main(String[] args) throws Exception {
    BenchmarkSettings settings = BenchmarkSettings.from(name -> {
      String value = System.getProperty(name);
      return name.equals("bench.workloads") && (value == null || value.isBlank()) ? "get,put" : value;
    });
    System.out.print(new CodecLoadDriver(settings, System.err).run());
  }

  String run() throws InterruptedException {
    Map<String, Order> orders = ordersByValue();
    List<String> cacheNames = CODECS.stream().map(codec -> "bench-" + codec).toList();
    PgCacheManager manager = LoadDriver.openManager(settings, "pgjcache:codec-benchmark", cacheNames);
    try {
      List<Contender> contenders = new ArrayList<>();
      String plainTable = '"' + settings.schema() + "\".\"" + PLAIN_TABLE + '"';
      try (RawJdbcContender plain = new RawJdbcContender("plain table", LoadDriver.sameConnectionSettings(
          manager.getDataSource()), settings.poolSize(), PlainTable.statements(plainTable))) {
        try {
          try (Connection c = plain.pool().getConnection(); Statement s = c.createStatement()) {
            PlainTable.create(s, plainTable);
          } catch (SQLException e) {
            throw new IllegalStateException("Could not create the plain table: " + e.getMessage(), e);
          }
          contenders.add(new MappedValuesContender(plain, jsonTexts(orders)));
          for (String codec : CODECS) {
            contenders.add(new DtoContender(codec, manager.createCache("bench-" + codec,
                new PgCacheConfiguration<String, Order>().setCodec(codec).setTypes(String.class, Order.class)),
                orders));
          }
          Environment environment = Environment.describe(plain.pool(), System.getenv("PGJCACHE_JDBC_URL") == null);
          Results results = new LoadDriver(settings, progress).measure(contenders, CpuTime.of(plain.pool()));
          return render(environment, results);
        } finally {
          try (Connection c = plain.pool().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + plainTable);
          } catch (SQLException e) {
            progress.println("Could not drop " + plainTable + ": " + e.getMessage());
          }
        }
      } finally {
        cacheNames.forEach(manager::destroyCache);
      }
    } finally {
      manager.close();
    }
  }

  /** One order for each value string of the data set, its customer being that string. */
  private Map<String, Order> ordersByValue() {
    Set<String> values = new LinkedHashSet<>(new Dataset(settings.keys(), settings.valueLength(), LoadDriver.DATA_SEED)
        .initialEntries().values());
    Order shape = CodecBenchmark.order(8);
    Map<String, Order> orders = new LinkedHashMap<>();
    long id = 0;
    for (String value : values) {
      orders.put(value, new Order(++id, value, shape.status(), shape.address(), shape.lines()));
    }
    return orders;
  }

  private static Map<String, String> jsonTexts(Map<String, Order> orders) {
    JsonMapper mapper = JsonMapper.builder().build();
    Map<String, String> texts = new LinkedHashMap<>();
    orders.forEach((value, order) -> {
      try {
        texts.put(value, mapper.writeValueAsString(order));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    });
    return texts;
  }

  private String render(Environment environment, Results results) {
    StringBuilder out = new StringBuilder("| operation | threads | plain table /s |");
    CODECS.forEach(codec -> out.append(' ').append(codec).append(" /s |"));
    CODECS.forEach(codec -> out.append(' ').append(codec).append(" / plain |"));
    out.append("\n|---|---:|---:|").append("---:|".repeat(2 * CODECS.size())).append('\n');
    for (Results.Cell cell : results.cells()) {
      double plain = results.median(cell, "plain table");
      out.append("| ").append(cell.workload().label(settings.batch())).append(" | ").append(cell.threads())
          .append(" | ").append(String.format(Locale.ROOT, "%,.0f", plain)).append(" |");
      CODECS.forEach(codec -> out.append(String.format(Locale.ROOT, " %,.0f |", results.median(cell, codec))));
      CODECS.forEach(codec -> out.append(String.format(Locale.ROOT, " %.2f |", results.median(cell, codec) / plain)));
      out.append('\n');
    }
    out.append(String.format(Locale.ROOT, "%nOperations/s (entries/s for getAll and putAll), median of %d round(s) of "
            + "%d ms after %d ms warm-up; %d keys, Zipf s=%s, an order DTO of 8 lines per value (plain table: its JSON "
            + "text), near cache off, pool size %d on every side%s.%n%n", settings.rounds(),
        settings.window().toMillis(), settings.warmup().toMillis(), settings.keys(), settings.zipfExponent(),
        settings.poolSize(), settings.quick() ? " (quick mode: indicative only)" : ""));
    out.append("- Java: ").append(environment.java()).append('\n');
    out.append("- PostgreSQL: ").append(environment.postgres()).append(", ").append(environment.database())
        .append('\n');
    out.append("- pgjcache: ").append(environment.pgjcache()).append('\n');
    out.append("- Hardware: ").append(environment.processors()).append(" processors (availableProcessors), ")
        .append(environment.os()).append('\n');
    out.append("- Measured: ").append(environment.measuredAt()).append('\n');
    return out.toString();
  }
}
