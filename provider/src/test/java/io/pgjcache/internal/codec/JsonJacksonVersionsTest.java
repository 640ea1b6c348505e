package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The json codec behaves alike on Jackson 2 and Jackson 3: the application's mapper writes the documents, an
 * {@code Object}-typed cache reads only admitted classes (a refused one is never even initialized), numbers keep
 * their scale, and the two versions read each other's documents.
 */
class JsonJacksonVersionsTest {
  private static final String DEFAULT_FILTER = Setting.SERIAL_FILTER.defaultValue().orElseThrow();
  private static final String ADMITTING_OURS = DEFAULT_FILTER + ";" + JsonJacksonVersionsTest.class.getName() + "$*";
  private static final ClassLoader LOADER = JsonJacksonVersionsTest.class.getClassLoader();
  /** Names of the intruder classes whose static initializer ran. */
  static final Set<String> INITIALIZED = ConcurrentHashMap.newKeySet();

  record Quote(String symbol, BigDecimal lastPrice, List<String> venues) {
  }

  /** A later version of {@link Quote}: a primitive component more. */
  record LotQuote(String symbol, BigDecimal lastPrice, List<String> venues, int lots) {
  }

  /** Refused under Jackson 2: a class nobody admitted, whose initializer must never run. */
  public static final class Jackson2Intruder {
    public int payload;

    static {
      INITIALIZED.add("Jackson2Intruder");
    }
  }

  /** The same, for Jackson 3. */
  public static final class Jackson3Intruder {
    public int payload;

    static {
      INITIALIZED.add("Jackson3Intruder");
    }
  }

  /** The application's mapper of that Jackson, writing snake_case property names as Boot's settings can ask. */
  private static Object snakeCaseMapper(int jackson) {
    return jackson == 2
        ? com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE).build()
        : tools.jackson.databind.json.JsonMapper.builder()
            .propertyNamingStrategy(tools.jackson.databind.PropertyNamingStrategies.SNAKE_CASE).build();
  }

  private static Codec objectCodec(Object mapper, String filter) {
    return new JsonCodec(mapper, filter).forTypes(Object.class, Object.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void theApplicationsMapper_writesTheDocument_andReadsItBackWithItsScale(int jackson) {
    Codec codec = objectCodec(snakeCaseMapper(jackson), ADMITTING_OURS);
    Quote quote = new Quote("ACME", new BigDecimal("12.50"), List.of("XNYS", "XNAS"));

    byte[] stored = codec.encode(quote);

    assertThat(new String(stored, StandardCharsets.UTF_8)).startsWith("{\"@type\":\"" + Quote.class.getName() + "\"")
        .contains("\"last_price\":12.50");
    assertThat(codec.decode(stored, LOADER)).isEqualTo(quote);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void anObjectCache_refusesAStoredTypeNobodyAdmitted_andNeverInitializesIt(int jackson) {
    String intruder = JsonJacksonVersionsTest.class.getName() + "$Jackson" + jackson + "Intruder";
    byte[] stored = ("{\"@type\": \"" + intruder + "\", \"value\": {\"payload\": 7}}").getBytes(StandardCharsets.UTF_8);
    Codec codec = objectCodec(snakeCaseMapper(jackson), DEFAULT_FILTER);

    assertThatThrownBy(() -> codec.decode(stored, LOADER)).isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(StaleEncodingException.class)
        .hasMessageContaining(intruder).hasMessageContaining(Setting.SERIAL_FILTER.key());
    assertThat(INITIALIZED).doesNotContain("Jackson" + jackson + "Intruder");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void withoutAMapper_theCodecsOwn_readsWhatTheOtherVersionWrote(int jackson) {
    Codec writer = objectCodec(jackson == 2 ? com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
        : tools.jackson.databind.json.JsonMapper.builder().build(), ADMITTING_OURS);
    Codec reader = objectCodec(jackson == 2 ? tools.jackson.databind.json.JsonMapper.builder().build()
        : com.fasterxml.jackson.databind.json.JsonMapper.builder().build(), ADMITTING_OURS);
    Quote quote = new Quote("ACME", new BigDecimal("12.50"), List.of("XNYS"));

    assertThat(reader.decode(writer.encode(quote), LOADER)).isEqualTo(quote);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aDocumentTheClassNoLongerTakes_isStale(int jackson) {
    Codec codec = new JsonCodec(snakeCaseMapper(jackson), ADMITTING_OURS).forTypes(String.class, Quote.class);
    byte[] changed = "{\"symbol\": \"ACME\", \"last_price\": {\"amount\": 1}}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> codec.decode(changed, LOADER)).isInstanceOf(StaleEncodingException.class)
        .hasMessageContaining(Quote.class.getName());
    assertThatThrownBy(() -> codec.decode("{\"symbol\": ".getBytes(StandardCharsets.UTF_8), LOADER))
        .isInstanceOf(IllegalArgumentException.class).isNotInstanceOf(StaleEncodingException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aRecordComponentAdded_readsAnEarlierDocumentWithItsDefault(int jackson) {
    Codec before = new JsonCodec(snakeCaseMapper(jackson), ADMITTING_OURS).forTypes(String.class, Quote.class);
    Codec after = new JsonCodec(snakeCaseMapper(jackson), ADMITTING_OURS).forTypes(String.class, LotQuote.class);

    Object read = after.decode(before.encode(new Quote("ACME", BigDecimal.ONE, List.of())), LOADER);

    assertThat(read).isEqualTo(new LotQuote("ACME", BigDecimal.ONE, List.of(), 0));
  }

  @org.junit.jupiter.api.Test
  void aMapperOfNeitherJackson_isRefusedNamingBoth() {
    assertThatThrownBy(() -> new JsonCodec("not a mapper", DEFAULT_FILTER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Setting.JSON_MAPPER.key())
        .hasMessageContaining("com.fasterxml.jackson.databind.ObjectMapper")
        .hasMessageContaining("tools.jackson.databind.ObjectMapper").hasMessageContaining("java.lang.String");
  }
}
