package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import io.pgjcache.testing.Intruders;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Only the classes a cache is configured to hold are deserialized; the rest never even get initialized. */
class AllowListTest {
  private static final String DEFAULT_FILTER = Setting.SERIAL_FILTER.defaultValue().orElseThrow();
  private static final ClassLoader LOADER = AllowListTest.class.getClassLoader();
  /** Names of the intruder classes whose static initializer ran. */
  static final Set<String> INITIALIZED = ConcurrentHashMap.newKeySet();

  private final Codec untyped = new DefaultCodec(DEFAULT_FILTER).forTypes(Object.class, Object.class);

  /** Stands in for {@link IntruderA} when the test makes bytes: same shape, same name length. */
  static final class TemplateA implements Serializable {
    private static final long serialVersionUID = 1L;
    int payload = 7;
  }

  static final class IntruderA implements Serializable {
    private static final long serialVersionUID = 1L;
    int payload;

    static {
      INITIALIZED.add("IntruderA");
    }
  }

  static final class TemplateB implements Serializable {
    private static final long serialVersionUID = 1L;
    int payload = 7;
  }

  static final class IntruderB implements Serializable {
    private static final long serialVersionUID = 1L;
    int payload;

    static {
      INITIALIZED.add("IntruderB");
    }
  }

  /** A declared value type, and a class beside it that it may hold. */
  static class Order implements Serializable {
    final Object line;

    Order(Object line) {
      this.line = line;
    }
  }

  static final class RushOrder extends Order {
    RushOrder(Object line) {
      super(line);
    }
  }

  record Line(String sku, int quantity) implements Serializable {
  }

  /** The encoding of an {@code IntruderX} object, made without loading that class. */
  static byte[] intruderBytes(Object template) {
    return Intruders.encodedAs(template, template.getClass().getName().replace("Template", "Intruder"));
  }

  @Test
  void aClassNotOnTheList_isRefusedNamingItAndTheSetting_andItsInitializerNeverRuns() {
    byte[] bytes = intruderBytes(new TemplateA());

    assertThatThrownBy(() -> untyped.decode(bytes, LOADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(TemplateA.class.getName().replace("Template", "Intruder"))
        .hasMessageContaining("pgjcache.serial-filter");
    assertThat(INITIALIZED).doesNotContain("IntruderA");
  }

  @Test
  void theSameBytes_areRead_onceTheSettingAllowsTheClass() {
    byte[] bytes = intruderBytes(new TemplateB());
    Codec allowing = new DefaultCodec(DEFAULT_FILTER + ";" + AllowListTest.class.getName() + "$IntruderB")
        .forTypes(Object.class, Object.class);

    Object decoded = allowing.decode(bytes, LOADER);

    assertThat(decoded.getClass().getSimpleName()).isEqualTo("IntruderB");
    assertThat(INITIALIZED).contains("IntruderB");
  }

  @Test
  void jdkValueTypesAndCollections_areReadWithoutAnySetting() {
    List<Object> values = List.of(new BigDecimal("1.10"), BigInteger.TEN.pow(30), UUID.randomUUID(),
        LocalDate.of(2024, 2, 29), Instant.ofEpochSecond(1, 2), Duration.ofMinutes(3),
        ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneId.of("Europe/Paris")), new java.util.Date(5),
        new java.sql.Timestamp(6), new ArrayList<>(List.of(1, "a")), new HashMap<>(Map.of("k", 1L)),
        new TreeMap<>(Map.of("a", List.of(1, 2))), new LinkedHashMap<>(Map.of(1, Set.of("x"))), List.of(1, 2),
        Map.of("k", "v"), Collections.unmodifiableList(new ArrayList<>(List.of(1))), Arrays.asList(1, 2),
        EnumSet.of(TimeUnit.SECONDS), new Object[] {1, "two", new long[] {3}}, new Serializable[] {1, "x"},
        new String[][] {{"a"}},
        new int[] {1, 2, 3}, TimeUnit.DAYS);
    for (Object value : values) {
      Object decoded = untyped.decode(untyped.encode(value), LOADER);
      assertThat(Objects.deepEquals(decoded, value)).as("%s", value.getClass()).isTrue();
    }
  }

  @Test
  void aDeclaredType_admitsItselfItsSubtypesAndItsPackage() {
    Codec orders = new DefaultCodec(DEFAULT_FILTER).forTypes(String.class, Order.class);

    Object decoded = orders.decode(orders.encode(new RushOrder(new Line("sku", 2))), LOADER);

    assertThat(decoded).isInstanceOf(RushOrder.class);
    assertThat(((Order) decoded).line).isEqualTo(new Line("sku", 2));
  }

  @Test
  void declaringOnlyJdkTypes_admitsNoOtherClass() {
    Codec maps = new DefaultCodec(DEFAULT_FILTER).forTypes(Object.class, Map.class);
    byte[] bytes = maps.encode(new HashMap<>(Map.of("k", new Line("sku", 1))));

    assertThatThrownBy(() -> maps.decode(bytes, LOADER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Line.class.getName());
  }

  @Test
  void aTrailingDenyAll_replacesTheBuiltInList() {
    Codec onlyJavaLang = new DefaultCodec(DEFAULT_FILTER + ";java.lang.*;!*").forTypes(Object.class, Object.class);
    byte[] list = onlyJavaLang.encode(new ArrayList<>(List.of("a")));

    assertThatThrownBy(() -> onlyJavaLang.decode(list, LOADER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.util.ArrayList");
    assertThat(onlyJavaLang.decode(onlyJavaLang.encode(new Integer[] {1, 2}), LOADER)).isEqualTo(new Integer[] {1, 2});
  }
}
