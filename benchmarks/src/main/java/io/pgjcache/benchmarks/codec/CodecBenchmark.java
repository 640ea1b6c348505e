package io.pgjcache.benchmarks.codec;

import io.pgjcache.configuration.Setting;
import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.codec.Codecs;
import io.pgjcache.internal.codec.EncodedKey;
import io.pgjcache.internal.codec.ManagerCodec;
import io.pgjcache.internal.codec.Signer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU cost of a value's trip through each codec, encode then decode (what a put on one node and a get on
 * another pay beside the round trip), and the bytes it is stored as, for three shapes: a small record, a 1 kB DTO
 * holding a list, and a 10 kB one. Each cache declares its concrete value type, as typed caches do (the json codec
 * then stores the bare document). {@link #main} prints the stored sizes, then runs JMH.
 *
 * <p>{@code mvn -q -Pcodecs -pl benchmarks -am package -DskipTests [-Dbench.quick=true]}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@State(Scope.Benchmark)
public class CodecBenchmark {
  /** A small record: an id, a name, a number. */
  public record Item(long id, String name, int quantity) implements Serializable {
  }

  /** A line of an order. */
  public record Line(String sku, String description, int quantity, long priceCents) implements Serializable {
  }

  /** An order with a list of lines: about 1 kB with 8 lines, 10 kB with 90. */
  public record Order(long id, String customer, String status, String address, List<Line> lines)
      implements Serializable {
  }

  @Param({"java", "json", "kryo"})
  public String codec;

  @Param({"small", "1kB", "10kB"})
  public String shape;

  private CacheCodec<String, Object> cacheCodec;
  private Object value;
  private EncodedKey key;

  static Object value(String shape) {
    return switch (shape) {
      case "small" -> new Item(42, "apple", 3);
      case "1kB" -> order(8);
      case "10kB" -> order(90);
      default -> throw new IllegalArgumentException(shape);
    };
  }

  /** An order of {@code lineCount} lines: 8 make the 1 kB shape, 90 the 10 kB one. */
  public static Order order(int lineCount) {
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < lineCount; i++) {
      lines.add(new Line("SKU-" + (100000 + i), "Item number " + i + " of the order, with a description",
          1 + i % 5, 1999L + i));
    }
    return new Order(7, "customer-0042@example.com", "shipped", "1 Long Street, Springfield, 12345", lines);
  }

  @SuppressWarnings("unchecked")
  static CacheCodec<String, Object> codec(String name, Object value) {
    Codecs codecs = new Codecs(Setting.SERIAL_FILTER.defaultValue().orElseThrow(), null, name);
    return new CacheCodec<>("bench", new ManagerCodec(codecs, 65536, 1 << 26, Signer.NONE), name,
        CodecBenchmark.class::getClassLoader, String.class, (Class<Object>) value.getClass(), null);
  }

  @Setup
  public void setUp() {
    value = value(shape);
    cacheCodec = codec(codec, value);
    key = cacheCodec.encodeKey("order:000042");
  }

  @Benchmark
  public Object encodeDecode() {
    return cacheCodec.decodeValue(cacheCodec.encodeValue(value, key), key.digest());
  }

  /** Prints the stored size of each shape with each codec, then runs the benchmark. */
  public static void main(String[] args) throws Exception {
    System.out.println("| shape | java | json | kryo |");
    System.out.println("|---|---|---|---|");
    for (String shape : List.of("small", "1kB", "10kB")) {
      StringBuilder row = new StringBuilder("| " + shape + " |");
      for (String name : List.of("java", "json", "kryo")) {
        Object value = value(shape);
        CacheCodec<String, Object> codec = codec(name, value);
        row.append(' ').append(codec.encodeValue(value, codec.encodeKey("k")).length).append(" B |");
      }
      System.out.println(row);
    }
    org.openjdk.jmh.Main.main(args.length > 0 ? args : JmhCommand.of(CodecBenchmark.class));
  }
}
