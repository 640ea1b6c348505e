package io.pgjcache.internal.codec;

import java.io.ByteArrayOutputStream;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The json codec on Jackson 3 ({@code tools.jackson.databind}): Spring Boot 4's. Its exceptions are unchecked, and
 * its mappers immutable: the application's is rebuilt with our one change rather than copied.
 */
final class Jackson3Binding implements JsonBinding {
  static final String MAPPER_CLASS = "tools.jackson.databind.ObjectMapper";

  private final ObjectMapper mapper;

  /** @param mapper the application's {@code ObjectMapper} (Boot 4's {@code JsonMapper}), or null for our own */
  Jackson3Binding(Object mapper) {
    // Unknown properties (a field removed since the entry was written) must not fail a read, whatever the
    // application's mapper says for its own documents. Trailing tokens: Jackson 3 checks for them by default, and
    // the value of an envelope is followed by the envelope's closing brace. Jackson 3 has java.time built in.
    // Default typing is switched off even if the application switched it on: it would let a stored document name
    // the classes of nested values, past the allow-list.
    this.mapper = (mapper == null ? JsonMapper.builder().findAndAddModules() : ((ObjectMapper) mapper).rebuild())
        .deactivateDefaultTyping()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  @Override
  public byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JacksonException e) {
      throw JsonFailures.cannotWrite(value.getClass(), detail(e), e);
    }
  }

  @Override
  public byte[] writeEnvelope(Class<?> type, Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator generator = mapper.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeStringProperty(TYPE_FIELD, type.getName());
      generator.writeName(VALUE_FIELD);
      mapper.writeValue(generator, value);
      generator.writeEndObject();
    } catch (JacksonException e) {
      throw JsonFailures.cannotWrite(type, detail(e), e);
    }
    return out.toByteArray();
  }

  @Override
  public Object read(byte[] document, Class<?> type) {
    try {
      return mapper.readValue(document, type);
    } catch (JacksonException e) {
      throw failure(e, type);
    }
  }

  @Override
  public Object readEnvelope(byte[] envelope, Function<String, Class<?>> admit) {
    Class<?> type = Object.class;
    try (JsonParser parser = mapper.createParser(envelope)) {
      if (parser.nextToken() != JsonToken.START_OBJECT || !TYPE_FIELD.equals(parser.nextName())
          || parser.nextToken() != JsonToken.VALUE_STRING) {
        throw JsonFailures.notAnEnvelope();
      }
      type = admit.apply(parser.getString());
      if (!VALUE_FIELD.equals(parser.nextName())) {
        throw JsonFailures.notAnEnvelope();
      }
      parser.nextToken();
      Object value = mapper.readValue(parser, type);
      if (parser.nextToken() != JsonToken.END_OBJECT) {
        throw JsonFailures.notAnEnvelope();
      }
      return value;
    } catch (JacksonException e) {
      throw failure(e, type);
    }
  }

  /** Not JSON or a class Jackson cannot build: unreadable; well-formed JSON the class does not take: stale. */
  private static RuntimeException failure(JacksonException e, Class<?> type) {
    if (e instanceof DatabindException && !(e instanceof InvalidDefinitionException)) {
      return JsonFailures.doesNotFit(type, detail(e), e);
    }
    return JsonFailures.unreadable(detail(e), e);
  }

  private static String detail(JacksonException e) {
    TokenStreamLocation at = e.getLocation();
    return at == null ? JsonFailures.detail(e, -1, -1) : JsonFailures.detail(e, at.getLineNr(), at.getColumnNr());
  }
}
