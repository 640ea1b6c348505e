package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
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
  /** Admits {@link Holder} and nothing else of ours: a nested class named in a document must not get past it. */
  private static final String ADMITTING_JUST_HOLDER = DEFAULT_FILTER + ";" + Holder.class.getName();
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

  /** Named by a stored document for a nested value, under Jackson 2: its initializer must never run. */
  public static final class Jackson2NestedIntruder {
    public int payload;

    static {
      INITIALIZED.add("Jackson2NestedIntruder");
    }
  }

  /** The same, for Jackson 3. */
  public static final class Jackson3NestedIntruder {
    public int payload;

    static {
      INITIALIZED.add("Jackson3NestedIntruder");
    }
  }

  /** An admitted class with a field declared {@code Object}, where default typing would read a stored class name. */
  record Holder(String name, Object payload) {
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

  @org.junit.jupiter.api.Test
  void withoutAMapper_theCodecsOwn_andJackson3_readEachOthersDocuments() {
    Codec own = objectCodec(null, ADMITTING_OURS);
    Codec jackson3 = objectCodec(tools.jackson.databind.json.JsonMapper.builder().build(), ADMITTING_OURS);
    Quote quote = new Quote("ACME", new BigDecimal("12.50"), List.of("XNYS"));

    assertThat(jackson3.decode(own.encode(quote), LOADER)).isEqualTo(quote);
    assertThat(own.decode(jackson3.encode(quote), LOADER)).isEqualTo(quote);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void anApplicationMapperWithDefaultTyping_doesNotLetAStoredDocumentNameANestedClass(int jackson) {
    // The application's mapper resolves any class a document names where a field is declared Object.
    Object typing = jackson == 2
        ? com.fasterxml.jackson.databind.json.JsonMapper.builder().activateDefaultTyping(
            com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator.builder()
                .allowIfSubType(Object.class).build()).build()
        : tools.jackson.databind.json.JsonMapper.builder().activateDefaultTyping(
            tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator.builder()
                .allowIfSubType(Object.class).build()).build();
    String intruder = JsonJacksonVersionsTest.class.getName() + "$Jackson" + jackson + "NestedIntruder";
    byte[] stored = ("{\"@type\": \"" + Holder.class.getName() + "\", \"value\": {\"name\": \"n\", \"payload\": [\""
        + intruder + "\", {\"payload\": 7}]}}").getBytes(StandardCharsets.UTF_8);
    Codec codec = objectCodec(typing, ADMITTING_JUST_HOLDER);

    Object read = codec.decode(stored, LOADER);

    assertThat(((Holder) read).payload()).isInstanceOf(List.class);
    assertThat(INITIALIZED).doesNotContain("Jackson" + jackson + "NestedIntruder");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void anApplicationMapperFailingOnTrailingTokens_stillReadsEnvelopes(int jackson) {
    Object strict = jackson == 2
        ? com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build()
        : tools.jackson.databind.json.JsonMapper.builder()
            .enable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    Codec codec = objectCodec(strict, ADMITTING_OURS);
    Quote quote = new Quote("ACME", new BigDecimal("12.50"), List.of("XNYS"));

    assertThat(codec.decode(codec.encode(quote), LOADER)).isEqualTo(quote);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void failures_nameTheClassAndThePlace_butNotTheStoredContent(int jackson) {
    Codec codec = new JsonCodec(snakeCaseMapper(jackson), ADMITTING_OURS).forTypes(String.class, Quote.class);
    byte[] misfit = "{\"symbol\": \"ACME\", \"last_price\": \"secret-7731\"}".getBytes(StandardCharsets.UTF_8);
    byte[] broken = "{\"symbol\": secret7731}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> codec.decode(misfit, LOADER)).isInstanceOf(StaleEncodingException.class)
        .hasMessageContaining(Quote.class.getName()).hasMessageContaining("line 1")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> codec.decode(broken, LOADER)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1").hasMessageNotContaining("secret");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aMapperOfAJacksonFromAnotherClassLoader_isRefusedNamingTheSetting(int jackson) throws Exception {
    Class<?> databind = jackson == 2 ? com.fasterxml.jackson.databind.ObjectMapper.class
        : tools.jackson.databind.ObjectMapper.class;
    Class<?> core = jackson == 2 ? com.fasterxml.jackson.core.JsonParser.class : tools.jackson.core.JsonParser.class;
    URL[] jars = Stream.of(databind, core, com.fasterxml.jackson.annotation.JsonProperty.class)
        .map(c -> c.getProtectionDomain().getCodeSource().getLocation()).toArray(URL[]::new);
    try (URLClassLoader other = new URLClassLoader(jars, ClassLoader.getPlatformClassLoader())) {
      Object foreign = other.loadClass(databind.getName()).getConstructor().newInstance();

      assertThatThrownBy(() -> new JsonCodec(foreign, DEFAULT_FILTER)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(Setting.JSON_MAPPER.key()).hasMessageContaining("class loader");
    }
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
