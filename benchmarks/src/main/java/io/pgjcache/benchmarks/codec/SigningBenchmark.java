package io.pgjcache.benchmarks.codec;

import io.pgjcache.configuration.Setting;
import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.codec.DefaultCodec;
import io.pgjcache.internal.codec.EncodedKey;
import io.pgjcache.internal.codec.ManagerCodec;
import io.pgjcache.internal.codec.Signer;
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
 * What {@code pgjcache.signing-key} adds to the codec work of a put and of a get that decodes, with and without
 * signing, for a 100-byte and a 10 kB value: {@code put} encodes the key (signed, digested) and the value (signed);
 * {@code get} checks and decodes the stored value. Only the CPU side: the round trip to PostgreSQL, which every put
 * and every get that misses the near cache pays, is not part of it (37 more bytes per key and per value travel).
 *
 * <p>{@code mvn -q -Psigning -pl benchmarks -am package -DskipTests [-Dbench.quick=true]}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@State(Scope.Benchmark)
public class SigningBenchmark {
  private static final String SIGNING_KEY = "a-benchmark-signing-key-of-more-than-32-bytes";

  @Param({"false", "true"})
  public boolean signed;

  @Param({"100", "10240"})
  public int valueLength;

  private CacheCodec<String, String> codec;
  private String key;
  private String value;
  private EncodedKey storedKey;
  private byte[] storedValue;

  @Setup
  public void setUp() {
    Signer signer = signed ? Signer.of(SIGNING_KEY, null) : Signer.NONE;
    ManagerCodec managerCodec = new ManagerCodec(new DefaultCodec(Setting.SERIAL_FILTER.defaultValue().orElseThrow()),
        65536, 1 << 26, signer);
    // No remembered key encodings: every put encodes and digests its key, the worst case.
    codec = new CacheCodec<>("bench", managerCodec, SigningBenchmark.class::getClassLoader, String.class,
        String.class, null);
    key = "order:000042";
    value = "v".repeat(valueLength);
    storedKey = codec.encodeKey(key);
    storedValue = codec.encodeValue(value, storedKey);
  }

  @Benchmark
  public byte[] put() {
    return codec.encodeValue(value, codec.encodeKey(key));
  }

  @Benchmark
  public String get() {
    return codec.decodeValue(storedValue, storedKey.digest());
  }

  public static void main(String[] args) throws Exception {
    org.openjdk.jmh.Main.main(JmhCommand.of(SigningBenchmark.class));
  }
}
