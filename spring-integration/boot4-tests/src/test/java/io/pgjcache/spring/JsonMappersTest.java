package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.cache.support.NullValue;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;

/** Which application bean the json codec writes with, in an application on Jackson 3 only (Boot 4). */
class JsonMappersTest {
  @Test
  void aPlainJackson3ObjectMapperBean_isTheApplicationsMapper_andLearnsSpringsNull() {
    DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
    beans.registerSingleton("objectMapper",
        new ObjectMapper().rebuild().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build());

    Object mapper = JsonMappers.applicationMapper(beans, JsonMappersTest.class.getClassLoader()).orElseThrow();

    assertThat(mapper).isInstanceOf(ObjectMapper.class);
    ObjectMapper json = (ObjectMapper) mapper;
    assertThat(json.writeValueAsString(new Price(1))).isEqualTo("{\"last_price\":1}");
    assertThat(json.readValue(json.writeValueAsBytes(NullValue.INSTANCE), NullValue.class))
        .isSameAs(NullValue.INSTANCE);
  }

  /** A value whose property name shows which mapper wrote it. */
  record Price(int lastPrice) {
  }
}
