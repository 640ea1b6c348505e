package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EncodedKeysTest {
  private final EncodedKeys<String> keys = new EncodedKeys<>(3, false);

  @Test
  void remembers_keysOfImmutableTypes_byEquality() {
    keys.put("k", "encoding of k");
    keys.put(42L, "encoding of 42L");
    UUID id = UUID.randomUUID();
    keys.put(id, "encoding of the id");

    assertThat(keys.get(new String("k"))).isEqualTo("encoding of k");
    assertThat(keys.get(42L)).isEqualTo("encoding of 42L");
    assertThat(keys.get(new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits())))
        .isEqualTo("encoding of the id");
  }

  @Test
  void equalNumbersOfOtherTypes_areOtherKeys() {
    keys.put(1, "encoding of Integer 1");

    assertThat(keys.get(1L)).isNull();
    assertThat(keys.get("1")).isNull();
    assertThat(keys.get((short) 1)).isNull();
  }

  @Test
  void keysThatCanChange_orEncodeEqualValuesApart_areNeverRemembered() {
    List<String> list = new ArrayList<>(List.of("a"));
    keys.put(list, "encoding of [a]");
    keys.put(Double.NaN, "encoding of one NaN");
    keys.put(1.5f, "encoding of 1.5f");

    assertThat(keys.size()).isZero();
    assertThat(keys.get(List.of("a"))).isNull();
    assertThat(keys.remembers(list)).isFalse();
    assertThat(new EncodedKeys<String>(3, true).remembers(list)).as("by reference").isTrue();
  }

  @Test
  void whenFull_keepsTheKeysUsedMost_throughAScanOfKeysUsedOnce() {
    EncodedKeys<String> bounded = new EncodedKeys<>(100, false);
    for (int pass = 0; pass < 5; pass++) {
      for (int i = 0; i < 50; i++) {
        if (bounded.get("hot" + i) == null) {
          bounded.put("hot" + i, "encoding");
        }
      }
    }
    for (int i = 0; i < 1_000; i++) {
      bounded.put("once" + i, "encoding");
    }

    long kept = java.util.stream.IntStream.range(0, 50).filter(i -> bounded.get("hot" + i) != null).count();
    assertThat(kept).as("hot keys still remembered").isGreaterThanOrEqualTo(45);
    assertThat(bounded.size()).isLessThanOrEqualTo(100);
  }
}
