package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.configuration.Setting;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The JDK's value types and collections, as applications cache them, round-trip through kryo on Java 17. */
class KryoCodecTest {
  private static final CacheCodec<String, Object> CODEC = new CacheCodec<>("kryo",
      new ManagerCodec(new Codecs(Setting.SERIAL_FILTER.defaultValue().orElseThrow(), null, "kryo"), 65536, 1 << 26,
          Signer.NONE), "kryo", KryoCodecTest.class::getClassLoader, String.class, Object.class, null);

  @Test
  void jdkValuesAndCollections_roundTrip() {
    List<Object> values = List.of("text", 42L, new BigDecimal("12.50"), UUID.nameUUIDFromBytes(new byte[] {1}),
        LocalDate.of(2024, 1, 2), Instant.ofEpochSecond(1_700_000_000L, 5), List.of(1, 2), Map.of("k", "v"),
        Arrays.asList("a", "b"), Collections.singletonList("x"), new ArrayList<>(List.of("y")),
        new HashMap<>(Map.of("a", List.of(1))), new TreeMap<>(Map.of("b", 2)), new int[] {1, 2, 3});
    EncodedKey key = CODEC.encodeKey("k");
    for (Object value : values) {
      Object read = CODEC.decodeValue(CODEC.encodeValue(value, key), key.digest());
      if (value instanceof int[] ints) {
        assertThat((int[]) read).as("int[]").containsExactly(ints);
      } else {
        assertThat(read).as(value.getClass().getName()).isEqualTo(value);
      }
    }
  }
}
