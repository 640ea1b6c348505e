package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import javax.cache.CacheException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each codec does with an entry written by an earlier version of a class: a field added, a field removed, the
 * class renamed, a field's type changed. A value the class can no longer take is a miss (null), never an exception;
 * a class the allow-list refuses still is one. The versions are two classes whose names differ in one letter:
 * the stored name is rewritten from one to the other, as if the class had changed between writing and reading.
 */
class CodecEvolutionTest {
  private static final String FILTER = Setting.SERIAL_FILTER.defaultValue().orElseThrow() + ";"
      + CodecEvolutionTest.class.getName() + "$*";
  private static final byte[] DIGEST = KeyDigest.of(new byte[] {7});

  /** Version A: two fields. */
  public static final class AOrder implements Serializable {
    private static final long serialVersionUID = 1L;
    public String id;
    public int quantity;

    public AOrder() {
    }

    AOrder(String id, int quantity) {
      this.id = id;
      this.quantity = quantity;
    }
  }

  /** Version B: a field more. */
  public static final class BOrder implements Serializable {
    private static final long serialVersionUID = 1L;
    public String id;
    public int quantity;
    public String note;

    public BOrder() {
    }

    BOrder(String id, int quantity, String note) {
      this.id = id;
      this.quantity = quantity;
      this.note = note;
    }
  }

  /** Version C: A's quantity became a list. */
  public static final class COrder implements Serializable {
    private static final long serialVersionUID = 1L;
    public String id;
    public List<String> quantity;

    public COrder() {
    }
  }

  /** The json codec on Jackson 3; plain {@code json} runs on Jackson 2, the default where both are there. */
  private static final String JSON_ON_JACKSON3 = "json on Jackson 3";

  private static Codecs codecs(String filter, String variant) {
    return variant.equals(JSON_ON_JACKSON3)
        ? new Codecs(filter, tools.jackson.databind.json.JsonMapper.builder().build(), "json")
        : new Codecs(filter, null, variant);
  }

  private static String codecName(String variant) {
    return variant.equals(JSON_ON_JACKSON3) ? "json" : variant;
  }

  private static CacheCodec<String, Object> codec(String variant) {
    return new CacheCodec<>("evolving", new ManagerCodec(codecs(FILTER, variant), 65536, 1 << 26, Signer.NONE),
        codecName(variant), CodecEvolutionTest.class::getClassLoader, String.class, Object.class, null);
  }

  /** The stored bytes of a value, as if its class had been called {@code to} when it was written. */
  private static byte[] writtenAs(CacheCodec<String, Object> codec, Object value, String to) {
    byte[] bytes = codec.encodeValue(value, codec.encodeKey("k"));
    // Without the last letter, which kryo marks with a high bit.
    String simpleName = value.getClass().getSimpleName();
    byte[] from = ("$" + simpleName.substring(0, simpleName.length() - 1)).getBytes(StandardCharsets.US_ASCII);
    byte[] replacement = ("$" + to).getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(bytes, from);
    assertThat(at).as("class name in the encoding").isNotNegative();
    // Only the first letter differs, so that kryo's marked last character and every length stay as they were.
    bytes[at + 1] = replacement[1];
    return bytes;
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    outer:
    for (int i = 0; i <= bytes.length - part.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "json", JSON_ON_JACKSON3, "kryo"})
  void aFieldAdded_readsTheOldEntryWithTheNewFieldAtItsDefault(String name) {
    CacheCodec<String, Object> codec = codec(name);
    Object read = codec.decodeValue(writtenAs(codec, new AOrder("o1", 3), "BOrder"), DIGEST);

    assertThat(read).isInstanceOf(BOrder.class);
    BOrder order = (BOrder) read;
    assertThat(order.id).isEqualTo("o1");
    assertThat(order.quantity).isEqualTo(3);
    assertThat(order.note).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "json", JSON_ON_JACKSON3, "kryo"})
  void aFieldRemoved_readsTheOldEntryWithoutIt(String name) {
    CacheCodec<String, Object> codec = codec(name);
    Object read = codec.decodeValue(writtenAs(codec, new BOrder("o1", 3, "fragile"), "AOrder"), DIGEST);

    assertThat(read).isInstanceOf(AOrder.class);
    assertThat(((AOrder) read).id).isEqualTo("o1");
    assertThat(((AOrder) read).quantity).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "json", JSON_ON_JACKSON3, "kryo"})
  void aRenamedClass_isAMiss_countedOnce(String name) {
    CacheCodec<String, Object> codec = codec(name);
    byte[] renamed = writtenAs(codec, new AOrder("o1", 3), "ZOrder");

    assertThat(codec.decodeValue(renamed, DIGEST)).isNull();
    assertThat(codec.decodeValue(renamed, DIGEST)).isNull();
    assertThat(codec.staleValues()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "json", JSON_ON_JACKSON3, "kryo"})
  void aFieldWhoseTypeChanged_isAMiss(String name) {
    CacheCodec<String, Object> codec = codec(name);

    assertThat(codec.decodeValue(writtenAs(codec, new AOrder("o1", 3), "COrder"), DIGEST)).isNull();
    assertThat(codec.staleValues()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "json", JSON_ON_JACKSON3, "kryo"})
  void aClassTheAllowListRefuses_isStillAnError_notAMiss(String name) {
    Codecs codecs = codecs(Setting.SERIAL_FILTER.defaultValue().orElseThrow(), name);
    CacheCodec<String, Object> strict = new CacheCodec<>("strict", new ManagerCodec(codecs, 65536, 1 << 26,
        Signer.NONE), codecName(name), CodecEvolutionTest.class::getClassLoader, String.class, Object.class, null);
    byte[] stored = codec(name).encodeValue(new AOrder("o1", 3), codec(name).encodeKey("k"));

    assertThatThrownBy(() -> strict.decodeValue(stored, DIGEST)).isInstanceOf(CacheException.class)
        .hasMessageContaining(AOrder.class.getName()).hasMessageContaining(Setting.SERIAL_FILTER.key());
    assertThat(strict.staleValues()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", JSON_ON_JACKSON3})
  void json_ofAConcreteType_readsAnEarlierVersionsDocument(String name) {
    ManagerCodec manager = new ManagerCodec(codecs(FILTER, name), 65536, 1 << 26, Signer.NONE);
    CacheCodec<String, AOrder> before = new CacheCodec<>("typed", manager, codecName(name),
        CodecEvolutionTest.class::getClassLoader, String.class, AOrder.class, null);
    CacheCodec<String, BOrder> after = new CacheCodec<>("typed", manager, codecName(name),
        CodecEvolutionTest.class::getClassLoader, String.class, BOrder.class, null);
    byte[] stored = before.encodeValue(new AOrder("o1", 3), before.encodeKey("k"));

    // No type in the document: a renamed class with the same fields reads it as it is.
    assertThat(new String(stored, StandardCharsets.UTF_8)).doesNotContain("AOrder");
    BOrder read = after.decodeValue(stored, DIGEST);
    assertThat(Objects.requireNonNull(read).id).isEqualTo("o1");
    assertThat(read.note).isNull();
  }
}
