package io.pgjcache.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pgjcache.configuration.Setting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.Objects;

/**
 * Values as JSON documents (Jackson 2), stored in a {@code jsonb} column so that SQL can read and query them; keys
 * as the java codec stores them (JSON is not deterministic enough for a key's digest: maps and sets).
 *
 * <p>A cache whose declared value type is a concrete class stores the bare document of each value and reads it back
 * as that class: the document carries no type, and a value of a subclass is refused when stored (it would come back
 * as the declared class). A cache declared with {@code Object}, an interface or an abstract class (Spring's and
 * Hibernate's are) stores an envelope, {@code {"@type": "com.example.Order", "value": {...}}}, and reads the type
 * name first: the class is loaded without being initialized and checked against {@code pgjcache.serial-filter} and
 * the allow-list ({@link ClassAdmission}) before Jackson instantiates anything. Jackson's default typing is never
 * turned on: nested objects take the types their fields declare, and fields declared {@code Object} come back as
 * maps, lists, strings and numbers.
 *
 * <p>Tolerance: unknown properties are ignored and missing ones keep their defaults, so fields may be added or
 * removed; a document the class can no longer take (a field's type changed) or an envelope naming a class that is
 * gone is a {@link StaleEncodingException}.
 */
final class JsonCodec implements Codec {
  static final String NAME = "json";
  static final String TYPE_FIELD = "@type";
  static final String VALUE_FIELD = "value";

  private final ObjectMapper mapper;
  private final ClassAdmission admission;
  private final Codec keys;
  /** The declared value type; documents carry their type unless it is a concrete class. */
  private final Class<?> valueType;
  private final boolean typed;

  /** @param mapper the application's mapper, or null for one of our own */
  JsonCodec(Object mapper, String filterPattern) {
    this(mapper == null ? defaultMapper() : requireMapper(mapper),
        new ClassAdmission(filterPattern, SerialAllowList.BUILT_IN), new DefaultCodec(filterPattern), Object.class);
  }

  private JsonCodec(ObjectMapper mapper, ClassAdmission admission, Codec keys, Class<?> valueType) {
    this.mapper = mapper;
    this.admission = admission;
    this.keys = keys;
    this.valueType = valueType;
    this.typed = !valueType.isInterface() && !Modifier.isAbstract(valueType.getModifiers())
        && valueType != Object.class;
  }

  private static ObjectMapper defaultMapper() {
    // Modules on the class path (java.time, parameter names) as an application's mapper would have them.
    return JsonMapper.builder().findAndAddModules()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }

  private static ObjectMapper requireMapper(Object mapper) {
    if (mapper instanceof ObjectMapper objectMapper) {
      return objectMapper.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
    throw new IllegalArgumentException(Setting.JSON_MAPPER.key()
        + " must hold a com.fasterxml.jackson.databind.ObjectMapper, got " + mapper.getClass().getName());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ValueForm valueForm() {
    return ValueForm.JSON;
  }

  @Override
  public Codec keyCodec() {
    return keys;
  }

  @Override
  public Codec forTypes(Class<?> keyType, Class<?> valueType) {
    return new JsonCodec(mapper, admission.with(keyType, valueType), keys.forTypes(keyType, valueType),
        Objects.requireNonNull(valueType, "valueType"));
  }

  @Override
  public byte[] encode(Object object) {
    Objects.requireNonNull(object, "object");
    Class<?> type = object.getClass();
    if (typed && type != valueType) {
      throw new IllegalArgumentException("Cannot store a " + type.getName() + " in a cache of " + valueType.getName()
          + " with the json codec: documents of a concrete declared type carry no type, so it would be read back as "
          + "a " + valueType.getName() + " (declare the cache's value type as Object or an interface to store "
          + "subclasses)");
    }
    try {
      if (typed) {
        return mapper.writeValueAsBytes(object);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      try (JsonGenerator generator = mapper.createGenerator(out)) {
        generator.writeStartObject();
        generator.writeStringField(TYPE_FIELD, type.getName());
        generator.writeFieldName(VALUE_FIELD);
        mapper.writeValue(generator, object);
        generator.writeEndObject();
      }
      return out.toByteArray();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot store a " + type.getName() + " as JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot store a " + type.getName() + " as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public Object decode(byte[] bytes, ClassLoader classLoader) {
    try {
      if (typed) {
        return mapper.readValue(bytes, valueType);
      }
      // Streamed rather than read as a tree: a tree would keep numbers as doubles (12.50 would come back 12.5).
      // jsonb keeps "@type" before "value" (keys of one length sort bytewise), as this codec writes them.
      try (JsonParser parser = mapper.createParser(bytes)) {
        if (parser.nextToken() != JsonToken.START_OBJECT || !TYPE_FIELD.equals(parser.nextFieldName())
            || parser.nextToken() != JsonToken.VALUE_STRING) {
          throw notAnEnvelope();
        }
        Class<?> type = admission.require(load(parser.getText(), classLoader));
        if (!valueType.isAssignableFrom(type)) {
          throw new IllegalArgumentException("The stored document is a " + type.getName() + ", which is not a "
              + valueType.getName());
        }
        if (!VALUE_FIELD.equals(parser.nextFieldName())) {
          throw notAnEnvelope();
        }
        parser.nextToken();
        Object value = mapper.readValue(parser, type);
        if (parser.nextToken() != JsonToken.END_OBJECT) {
          throw notAnEnvelope();
        }
        return value;
      }
    } catch (StreamReadException | InvalidDefinitionException e) {
      // Not JSON, or a class Jackson cannot build at all: a fresh value would not decode either.
      throw new IllegalArgumentException("Cannot read the stored document: " + e.getOriginalMessage(), e);
    } catch (DatabindException e) {
      // Well-formed JSON that the class no longer takes: a field changed type, a constructor now refuses it...
      throw new StaleEncodingException("The stored document does not fit " + (typed ? valueType.getName()
          : "its class") + " any more: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read the stored document: " + e.getMessage(), e);
    }
  }

  private static IllegalArgumentException notAnEnvelope() {
    return new IllegalArgumentException("The stored document is no {\"" + TYPE_FIELD + "\": ..., \"" + VALUE_FIELD
        + "\": ...} envelope of the json codec");
  }

  private static Class<?> load(String name, ClassLoader classLoader) {
    try {
      // Not initialized: nothing of it runs before the allow-list admits it.
      return Class.forName(name, false, classLoader);
    } catch (ClassNotFoundException e) {
      throw new StaleEncodingException("The stored document is of class " + name + ", which is not here (renamed or "
          + "removed since it was written)", e);
    } catch (LinkageError e) {
      throw new IllegalArgumentException("The stored document names class " + name + ", which cannot be loaded: "
          + e, e);
    }
  }
}
