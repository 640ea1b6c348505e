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
import org.springframework.util.ClassUtils;

/**
 * The Jackson 2 {@code ObjectMapper} the provider's json codec writes with: a copy of the application's (so Boot's
 * {@code spring.jackson.*} settings and the application's modules apply to cached values as to everything else),
 * or a mapper of our own when the application has none. Either way it also reads and writes Spring's
 * {@link NullValue}, which Spring stores for a cached null and which Jackson cannot make by itself. Nothing here is
 * loaded unless Jackson 2 is on the class path.
 */
final class JsonMappers {
  private static final String JACKSON2 = "com.fasterxml.jackson.databind.ObjectMapper";

  private JsonMappers() {
  }

  /** The mapper to hand to the provider, if Jackson 2 is there. */
  static Optional<Object> applicationMapper(ListableBeanFactory beanFactory, ClassLoader classLoader) {
    if (!ClassUtils.isPresent(JACKSON2, classLoader)) {
      return Optional.empty();
    }
    return Optional.of(Jackson2.mapper(beanFactory));
  }

  /** Touches Jackson's classes, so only loaded once Jackson is known to be there. */
  private static final class Jackson2 {
    static Object mapper(ListableBeanFactory beanFactory) {
      ObjectMapper application = beanFactory.getBeanProvider(ObjectMapper.class).getIfUnique();
      ObjectMapper mapper = application != null ? application.copy() : JsonMapper.builder().findAndAddModules().build();
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
}
