package io.pgjcache.spring;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.cache.support.NullValue;

/** Jackson 2's side of {@link JsonMappers}: touches Jackson 2's classes, so loaded only when they are there. */
final class Jackson2JsonMapper {
  private Jackson2JsonMapper() {
  }

  /** A copy of the application's {@code ObjectMapper} bean, if it has exactly one. */
  static Optional<Object> ofApplication(ListableBeanFactory beanFactory) {
    return Optional.ofNullable(beanFactory.getBeanProvider(ObjectMapper.class).getIfUnique())
        .map(application -> withNullValue(application.copy()));
  }

  /** A mapper of our own, with the modules on the class path. */
  static Object own() {
    return withNullValue(JsonMapper.builder().findAndAddModules().build());
  }

  private static ObjectMapper withNullValue(ObjectMapper mapper) {
    SimpleModule nullValue = new SimpleModule("pgjcache-spring-null-value");
    nullValue.addSerializer(NullValue.class, new JsonSerializer<>() {
      @Override
      public void serialize(NullValue value, JsonGenerator generator, SerializerProvider provider)
          throws IOException {
        generator.writeStartObject();
        generator.writeEndObject();
      }
    });
    nullValue.addDeserializer(NullValue.class, new JsonDeserializer<>() {
      @Override
      public NullValue deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        parser.skipChildren();
        return (NullValue) NullValue.INSTANCE;
      }
    });
    return mapper.registerModule(nullValue);
  }
}
