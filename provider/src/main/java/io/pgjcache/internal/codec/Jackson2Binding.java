package io.pgjcache.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Function;

/** The json codec on Jackson 2 ({@code com.fasterxml.jackson.databind}): Spring Boot 3's. */
final class Jackson2Binding implements JsonBinding {
  static final String MAPPER_CLASS = "com.fasterxml.jackson.databind.ObjectMapper";

  private final ObjectMapper mapper;

  /** @param mapper the application's {@code ObjectMapper}, or null for one of our own */
  Jackson2Binding(Object mapper) {
    // Copied: unknown properties (a field removed since the entry was written) must not fail a read, whatever the
    // application's mapper says for its own documents; nor may trailing tokens, as the value of an envelope is
    // followed by the envelope's closing brace. Default typing is switched off even if the application switched it
    // on: it would let a stored document name the classes of nested values, past the allow-list.
    ObjectMapper copy = mapper == null
        // Modules on the class path (java.time, parameter names) as an application's mapper would have them.
        ? JsonMapper.builder().findAndAddModules().build()
        : ((ObjectMapper) mapper).copy().deactivateDefaultTyping();
    this.mapper = copy.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
        DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  @Override
  public byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw JsonFailures.cannotWrite(value.getClass(), detail(e), e);
    }
  }

  @Override
  public byte[] writeEnvelope(Class<?> type, Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator generator = mapper.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeStringField(TYPE_FIELD, type.getName());
      generator.writeFieldName(VALUE_FIELD);
      mapper.writeValue(generator, value);
      generator.writeEndObject();
    } catch (IOException e) {
      throw JsonFailures.cannotWrite(type, detail(e), e);
    }
    return out.toByteArray();
  }

  @Override
  public Object read(byte[] document, Class<?> type) {
    try {
      return mapper.readValue(document, type);
    } catch (IOException e) {
      throw failure(e, type);
    }
  }

  @Override
  public Object readEnvelope(byte[] envelope, Function<String, Class<?>> admit) {
    Class<?> type = Object.class;
    try (JsonParser parser = mapper.createParser(envelope)) {
      if (parser.nextToken() != JsonToken.START_OBJECT || !TYPE_FIELD.equals(parser.nextFieldName())
          || parser.nextToken() != JsonToken.VALUE_STRING) {
        throw JsonFailures.notAnEnvelope();
      }
      type = admit.apply(parser.getText());
      if (!VALUE_FIELD.equals(parser.nextFieldName())) {
        throw JsonFailures.notAnEnvelope();
      }
      parser.nextToken();
      Object value = mapper.readValue(parser, type);
      if (parser.nextToken() != JsonToken.END_OBJECT) {
        throw JsonFailures.notAnEnvelope();
      }
      return value;
    } catch (IOException e) {
      throw failure(e, type);
    }
  }

  /** Not JSON or a class Jackson cannot build: unreadable; well-formed JSON the class does not take: stale. */
  private static RuntimeException failure(IOException e, Class<?> type) {
    if (e instanceof DatabindException && !(e instanceof InvalidDefinitionException)) {
      return JsonFailures.doesNotFit(type, detail(e), e);
    }
    return JsonFailures.unreadable(detail(e), e);
  }

  private static String detail(IOException e) {
    JsonLocation at = e instanceof JsonProcessingException p ? p.getLocation() : null;
    return at == null ? JsonFailures.detail(e, -1, -1) : JsonFailures.detail(e, at.getLineNr(), at.getColumnNr());
  }
}
