package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class DefaultCodecTest {
  private static final String DEFAULT_FILTER = Setting.SERIAL_FILTER.defaultValue().orElseThrow();
  private static final ClassLoader LOADER = DefaultCodecTest.class.getClassLoader();

  /** As a cache holding {@link Point}s has it. */
  private final Codec codec = new DefaultCodec(DEFAULT_FILTER).forTypes(String.class, Point.class);

  record Point(int x, int y, String label) implements Serializable {
  }

  /** Serializable by its type, but not by what it holds. */
  record Holder(Object content) implements Serializable {
  }

  static final class NotSerializable {
  }

  private Object roundTrip(Object value) {
    return codec.decode(codec.encode(value), LOADER);
  }

  @Test
  void strings_roundTrip_includingEmptyAndUnicode() {
    for (String s : List.of("", "plain", "café crème", "缓存テスト", "🚀🔥 emoji", "nul\0inside", "x".repeat(100_000))) {
      assertThat(roundTrip(s)).isEqualTo(s);
    }
  }

  @Test
  void byteArrays_roundTrip_includingEmpty() {
    for (byte[] bytes : List.of(new byte[0], new byte[] {0, 1, -1, 127, -128})) {
      assertThat(roundTrip(bytes)).isInstanceOf(byte[].class).isEqualTo(bytes);
    }
  }

  @Test
  void boxedPrimitives_roundTrip_keepingTheirType() {
    List<Object> values = List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE,
        1.5d, Double.NaN, Double.NEGATIVE_INFINITY, -0.0d, 2.5f, Float.MAX_VALUE, (short) -7, Short.MAX_VALUE,
        (byte) -3, Byte.MIN_VALUE, true, false, 'x', '\u00e9', Character.MAX_VALUE);
    for (Object value : values) {
      Object decoded = roundTrip(value);
      assertThat(decoded).as("%s of %s", value, value.getClass()).isInstanceOf(value.getClass()).isEqualTo(value);
    }
  }

  @Test
  void equalKeys_encodeToEqualBytes() {
    assertThat(codec.encode(42L)).isEqualTo(codec.encode(Long.valueOf(42)));
    assertThat(codec.encode(new Point(1, 2, "a"))).isEqualTo(codec.encode(new Point(1, 2, "a")));
    assertThat(codec.encode(1)).isNotEqualTo(codec.encode(1L));
  }

  @Test
  void serializableValues_roundTrip() {
    Point point = new Point(3, -4, "p");
    assertThat(roundTrip(point)).isEqualTo(point);
    ArrayList<Object> list = new ArrayList<>(List.of(point, "s", 1, Map.of("k", new BigDecimal("1.10"))));
    assertThat(roundTrip(list)).isEqualTo(list);
  }

  @Test
  void encode_rejectsANonSerializableValue_namingItsType() {
    assertThatThrownBy(() -> codec.encode(new NotSerializable()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(NotSerializable.class.getName())
        .hasMessageContaining("Serializable");
  }

  @Test
  void encode_rejectsASerializableValueHoldingANonSerializableOne_namingBothTypes() {
    assertThatThrownBy(() -> codec.encode(new Holder(new NotSerializable())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Holder.class.getName())
        .hasMessageContaining(NotSerializable.class.getName());
  }

  @Test
  void decode_refusesAClassTheFilterDenies() {
    byte[] bytes = codec.encode(new Point(1, 2, "p"));
    DefaultCodec strict = new DefaultCodec("!" + Point.class.getName());
    assertThatThrownBy(() -> strict.decode(bytes, LOADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Refused")
        .hasMessageContaining("pgjcache.serial-filter");
  }

  @Test
  void decode_refusesADeniedClassNestedInAnAllowedOne() {
    byte[] bytes = codec.encode(new ArrayList<>(List.of("ok", new Point(1, 2, "p"))));
    DefaultCodec strict = new DefaultCodec("!" + Point.class.getName());
    assertThatThrownBy(() -> strict.decode(bytes, LOADER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Refused");
  }

  @Test
  void decode_withTheDefaultFilter_refusesKnownGadgetPackages() throws Exception {
    byte[] bytes = new DefaultCodec("*").encode(new ObjectName("d:type=t"));
    assertThatThrownBy(() -> codec.decode(bytes, LOADER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Refused");
  }

  @Test
  void decode_rejectsACompactEncodingOfTheWrongLength() {
    for (byte[] bytes : List.of(new byte[] {3, 0}, new byte[] {8}, new byte[] {4, 1, 2, 3}, new byte[] {9},
        new byte[] {10, 0, 0, 0}, new byte[] {3, 0, 0, 0, 0, 0})) {
      assertThatThrownBy(() -> codec.decode(bytes, LOADER))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not written by this codec");
    }
  }

  @Test
  void decode_rejectsBytesNotWrittenByThisCodec() {
    assertThatThrownBy(() -> codec.decode(new byte[0], LOADER)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decode(new byte[] {99, 1, 2}, LOADER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag");
  }
}
