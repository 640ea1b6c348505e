package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two instances of an application cache a DTO that is not Serializable with {@code @Cacheable} on the json codec:
 * one loads it, the other reads it from PostgreSQL, where it is a jsonb document written with the application's
 * ObjectMapper bean (in a Boot web application, the one {@code spring.jackson.*} configures) that SQL can query.
 */
class JsonCodecCachingIT {
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
    return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
        .properties("pgjcache.schema=" + CACHE_SCHEMA, "pgjcache.jdbc.url=", "pgjcache.codec=json",
            "spring.cache.cache-names=quotes",
            "pgjcache.serial-filter=maxdepth=64;maxrefs=100000;maxarray=10000000;io.pgjcache.spring.*")
        .run();
  }

  @AfterAll
  static void stop() {
    first.close();
    second.close();
  }

  @Test
  void cacheable_nonSerializableDto_loadedOnOneInstance_isServedToTheOther_asJsonThatSqlReads() {
    Quotes onFirst = first.getBean(Quotes.class);
    Quotes onSecond = second.getBean(Quotes.class);
    Quote acme = new Quote("ACME", new BigDecimal("12.50"), List.of("XNYS", "XNAS"));
    int before = onFirst.loads() + onSecond.loads();

    assertThat(onFirst.quote("ACME")).isEqualTo(acme);
    assertThat(onSecond.quote("ACME")).isEqualTo(acme);
    assertThat(onFirst.loads() + onSecond.loads() - before).isEqualTo(1);

    String table = second.getBean(javax.cache.CacheManager.class).getCache("quotes")
        .unwrap(io.pgjcache.PgCache.class).getTableName();
    JdbcTemplate sql = new JdbcTemplate(TestDatabase.dataSource());
    // Written with the application's mapper: snake_case property names, as it was configured.
    assertThat(sql.queryForObject("SELECT value_bytes->'value'->>'last_price' FROM " + table
        + " WHERE value_bytes->>'@type' LIKE '%Quote'", String.class)).isEqualTo("12.50");
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

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class})
  @EnableCaching
  static class Application {
    @Bean
    DataSource dataSource() {
      return TestDatabase.dataSource();
    }

    @Bean
    ObjectMapper applicationObjectMapper() {
      return JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    }

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
