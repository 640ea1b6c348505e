package io.pgjcache.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.PgCache;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two instances of a Spring Boot 4 application cache a DTO that is not Serializable with {@code @Cacheable} on the
 * json codec. Boot 4 applications have Jackson 3: the codec writes with the application's {@code JsonMapper}, so
 * Boot's {@code spring.jackson.*} settings shape the jsonb documents that SQL reads.
 */
class Boot4JsonCodecIT {
  private static final String CACHE_SCHEMA = TestDatabase.freshSchema();

  private static ConfigurableApplicationContext first;
  private static ConfigurableApplicationContext second;

  /** A DTO as applications write them: a record, not Serializable. */
  record Quote(String symbol, BigDecimal lastPrice, List<String> venues) {
  }

  @BeforeAll
  static void start() {
    first = instance();
    second = instance();
  }

  private static ConfigurableApplicationContext instance() {
    return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE).properties(
        "spring.datasource.url=" + TestDatabase.url(),
        "pgjcache.schema=" + CACHE_SCHEMA, "pgjcache.jdbc.url=", "pgjcache.codec=json",
        "spring.cache.cache-names=quotes",
        // A Boot Jackson setting that shows in every stored document.
        "spring.jackson.property-naming-strategy=SNAKE_CASE").run();
  }

  @AfterAll
  static void stop() {
    first.close();
    second.close();
  }

  @Test
  void theApplicationHasOneJackson3JsonMapper_andNoJackson2() {
    assertThat(first.getBeansOfType(JsonMapper.class)).hasSize(1);
    assertThat(isPresent("com.fasterxml.jackson.databind.ObjectMapper"))
        .as("Jackson 2 on a Boot 4 application's class path").isFalse();
  }

  @Test
  void cacheable_nonSerializableDto_loadedOnOneInstance_isServedToTheOther_asJsonShapedByBootsJacksonSettings() {
    Quotes onFirst = first.getBean(Quotes.class);
    Quotes onSecond = second.getBean(Quotes.class);
    Quote acme = new Quote("ACME", new BigDecimal("12.50"), List.of("XNYS", "XNAS"));
    int before = onFirst.loads() + onSecond.loads();

    assertThat(onFirst.quote("ACME")).isEqualTo(acme);
    assertThat(onSecond.quote("ACME")).isEqualTo(acme);
    assertThat(onFirst.loads() + onSecond.loads() - before).isEqualTo(1);

    String table = second.getBean(javax.cache.CacheManager.class).getCache("quotes").unwrap(PgCache.class)
        .getTableName();
    JdbcTemplate sql = first.getBean(JdbcTemplate.class);
    // snake_case, as spring.jackson.property-naming-strategy asks: written with the application's JsonMapper.
    assertThat(sql.queryForList("SELECT value_bytes->'value'->>'last_price' FROM " + table
        + " WHERE value_bytes->>'@type' = ?", String.class, Quote.class.getName())).containsExactly("12.50");
  }

  @Test
  void cacheable_null_isCachedToo() {
    Quotes onFirst = first.getBean(Quotes.class);
    Quotes onSecond = second.getBean(Quotes.class);
    int before = onFirst.loads() + onSecond.loads();

    assertThat(onFirst.quote("NONE")).isNull();
    assertThat(onSecond.quote("NONE")).isNull();
    assertThat(onFirst.loads() + onSecond.loads() - before).isEqualTo(1);
  }

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, Boot4JsonCodecIT.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableCaching
  static class Application {
    @Bean
    Quotes quotes() {
      return new Quotes();
    }
  }

  /** Loads quotes, counting how often it had to. */
  static class Quotes {
    private final AtomicInteger loads = new AtomicInteger();

    @Cacheable("quotes")
    public Quote quote(String symbol) {
      loads.incrementAndGet();
      return symbol.equals("NONE") ? null : new Quote(symbol, new BigDecimal("12.50"), List.of("XNYS", "XNAS"));
    }

    int loads() {
      return loads.get();
    }
  }
}
