package io.pgjcache.spring;

import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.cache.support.NullValue;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * Jackson 3's side of {@link JsonMappers} (Spring Boot 4): touches Jackson 3's classes, so loaded only when they are
 * there. Jackson 3's mappers are immutable: the application's is rebuilt with one module more, never changed.
 */
final class Jackson3JsonMapper {
  private Jackson3JsonMapper() {
  }

  /**
   * The application's {@code JsonMapper} bean with Spring's null added, if it has exactly one; else its plain
   * {@code ObjectMapper} bean, if it has exactly one and that one writes JSON.
   */
  static Optional<Object> ofApplication(ListableBeanFactory beanFactory) {
    ObjectMapper application = beanFactory.getBeanProvider(JsonMapper.class).getIfUnique();
    if (application == null) {
      application = beanFactory.getBeanProvider(ObjectMapper.class).getIfUnique();
    }
    // A plain ObjectMapper may be one of another format (XML, CBOR, YAML mappers are ObjectMappers too), whose
    // documents are not JSON that jsonb takes.
    return Optional.ofNullable(application).filter(mapper -> mapper.tokenStreamFactory() instanceof JsonFactory)
        .map(mapper -> mapper.rebuild().addModule(nullValue()).build());
  }

  /** A mapper of our own, with the modules on the class path. */
  static Object own() {
    return JsonMapper.builder().findAndAddModules().addModule(nullValue()).build();
  }

  private static SimpleModule nullValue() {
    SimpleModule nullValue = new SimpleModule("pgjcache-spring-null-value");
    nullValue.addSerializer(NullValue.class, new ValueSerializer<>() {
      @Override
      public void serialize(NullValue value, JsonGenerator generator, SerializationContext context) {
        generator.writeStartObject();
        generator.writeEndObject();
      }
    });
    nullValue.addDeserializer(NullValue.class, new ValueDeserializer<>() {
      @Override
      public NullValue deserialize(JsonParser parser, DeserializationContext context) {
        parser.skipChildren();
        return (NullValue) NullValue.INSTANCE;
      }
    });
    return nullValue;
  }
}
