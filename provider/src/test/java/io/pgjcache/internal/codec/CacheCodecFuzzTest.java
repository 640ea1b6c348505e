package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import javax.cache.CacheException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.junit.jupiter.api.Test;

/**
 * Stored bytes are untrusted: whatever a row holds, decoding it gives a value or a {@link CacheException} that
 * names the cache and the row, never another exception, and never a huge allocation.
 */
class CacheCodecFuzzTest {
  private static final byte[] DIGEST = KeyDigest.of(new byte[] {1});
  private static final String DIGEST_HEX = HexFormat.of().formatHex(DIGEST);

  record Point(int x, int y, String label) implements Serializable {
  }

  private static final CacheCodec<Object, Object> CODEC = new CacheCodec<>("fuzzed",
      new ManagerCodec(new DefaultCodec(Setting.SERIAL_FILTER.defaultValue().orElseThrow()), 65536, 1 << 26,
          Signer.NONE),
      CacheCodecFuzzTest.class::getClassLoader, Object.class, Object.class, null);
  private static final CacheCodec<String, Point> POINTS = new CacheCodec<>("points",
      new ManagerCodec(new DefaultCodec(Setting.SERIAL_FILTER.defaultValue().orElseThrow()), 65536, 1 << 26,
          Signer.NONE),
      CacheCodecFuzzTest.class::getClassLoader, String.class, Point.class, null);

  private static final EncodedKey CODEC_KEY = CODEC.encodeKey("k");

  /** Valid encodings of the shapes caches hold, to mutate. */
  private static final List<byte[]> VALID = List.of(
      value("text"), value(42), value(7L), value(1.5d), value('c'), value(true), value(new byte[] {1, 2, 3}),
      value(new BigDecimal("12.50")), value(UUID.nameUUIDFromBytes(new byte[] {1})), value(LocalDate.of(2024, 1, 2)),
      value(new ArrayList<>(List.of(1, "two", 3L))), value(new HashMap<>(Map.of("k", List.of(1, 2), "j",
          new long[] {5, 6}))), value(new TreeSet<>(List.of("a", "b"))), value(new Object[] {1, "x", null}),
      value(new int[100]), value(List.of(Map.of("k", "v"))),
      POINTS.encodeValue(new Point(1, 2, "p"), POINTS.encodeKey("p")));

  private static byte[] value(Object value) {
    return CODEC.encodeValue(value, CODEC_KEY);
  }

  @Property(tries = 100_000, shrinking = ShrinkingMode.OFF)
  void anyBytes_decodeToAValueOrACacheExceptionNamingCacheAndRow(@ForAll("storedBytes") byte[] bytes) {
    for (CacheCodec<?, ?> codec : List.of(CODEC, POINTS)) {
      try {
        codec.decodeValue(bytes, DIGEST);
      } catch (CacheException e) {
        assertThat(e.getMessage()).contains("'" + (codec == CODEC ? "fuzzed" : "points") + "'").contains(DIGEST_HEX);
      }
    }
  }

  @Provide
  Arbitrary<byte[]> storedBytes() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> taggedRandom = Combinators.combine(Arbitraries.of((byte) 1, (byte) 3, (byte) 4, (byte) 8,
        (byte) 10, (byte) 64), random).as((tag, rest) -> prepend(tag, rest));
    Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(VALID), Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.bytes().array(byte[].class).ofMaxSize(16))
        .as(CacheCodecFuzzTest::mutate);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, random), net.jqwik.api.Tuple.of(1, taggedRandom), net.jqwik.api.Tuple.of(4, mutated));
  }

  /** Flips bytes, truncates, extends, or writes a huge length at a random place of a valid encoding. */
  private static byte[] mutate(byte[] valid, int kind, int seed, byte[] noise) {
    byte[] bytes = valid.clone();
    int at = seed % bytes.length;
    switch (kind) {
      case 0 -> {
        for (int i = 0; i < Math.max(1, noise.length); i++) {
          bytes[(at + i * 31) % bytes.length] ^= (byte) (noise.length == 0 ? 1 : noise[i] | 1);
        }
      }
      case 1 -> bytes = Arrays.copyOf(bytes, at);
      case 2 -> {
        byte[] longer = Arrays.copyOf(bytes, bytes.length + noise.length);
        System.arraycopy(noise, 0, longer, bytes.length, noise.length);
        bytes = longer;
      }
      default -> {
        if (bytes.length >= 4) {
          ByteBuffer.wrap(bytes, Math.min(at, bytes.length - 4), 4).putInt(0x7fff_fff0 - (seed & 0xff));
        }
      }
    }
    return bytes;
  }

  private static byte[] prepend(byte tag, byte[] rest) {
    byte[] bytes = new byte[rest.length + 1];
    bytes[0] = tag;
    System.arraycopy(rest, 0, bytes, 1, rest.length);
    return bytes;
  }

  @Test
  void theRowsOfTheIssue_failWithACacheExceptionNamingCacheAndDigest() {
    for (byte[] bytes : List.of(new byte[] {3, 0}, new byte[] {8}, new byte[0], new byte[] {64})) {
      assertThatThrownBy(() -> CODEC.decodeValue(bytes, DIGEST))
          .isInstanceOf(CacheException.class).hasMessageContaining("'fuzzed'").hasMessageContaining(DIGEST_HEX);
    }
  }

  @Test
  void aKeyThatCannotBeRead_isNamedByItsRowsDigest() {
    byte[] bytes = {3, 0};
    assertThatThrownBy(() -> CODEC.decodeKey(bytes, DIGEST))
        .isInstanceOf(CacheException.class).hasMessageContaining(DIGEST_HEX);
  }

  @Test
  void aHugeArrayLength_isRefusedWithoutAllocatingIt() {
    byte[] bytes = CODEC.encodeValue(new long[] {1, 2}, CODEC_KEY);
    // The stream ends: ... TC_ARRAY, class descriptor, int length, elements. Claim 2^31-1 elements (16 GiB).
    ByteBuffer.wrap(bytes, bytes.length - 2 * Long.BYTES - Integer.BYTES, Integer.BYTES).putInt(Integer.MAX_VALUE);

    assertThatThrownBy(() -> CODEC.decodeValue(bytes, DIGEST))
        .isInstanceOf(CacheException.class).hasMessageContaining("array of " + Integer.MAX_VALUE + " elements");
  }
}
