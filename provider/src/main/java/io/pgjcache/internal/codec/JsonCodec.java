package io.pgjcache.internal.codec;

import java.lang.reflect.Modifier;
import java.util.Objects;

/**
 * Values as JSON documents (Jackson 2 or 3, see {@link JsonBindings}), stored in a {@code jsonb} column so that SQL
 * can read and query them; keys as the java codec stores them (JSON is not deterministic enough for a key's digest:
 * maps and sets).
 *
 * <p>A cache whose declared value type is a concrete class stores the bare document of each value and reads it back
 * as that class: the document carries no type, and a value of a subclass is refused when stored (it would come back
 * as the declared class). A cache declared with {@code Object}, an interface or an abstract class (Spring's and
 * Hibernate's are) stores an envelope, {@code {"@type": "com.example.Order", "value": {...}}}, and reads the type
 * name first: the class is loaded without being initialized and checked against {@code pgjcache.serial-filter} and
 * the allow-list ({@link ClassAdmission}) before Jackson instantiates anything. Jackson's default typing is off,
 * even when the application's mapper has it on (the codec switches it off on its copy: a stored document must not
 * name the classes of nested values past the allow-list): nested objects take the types their fields declare, and
 * fields declared {@code Object} come back as maps, lists, strings and numbers.
 *
 * <p>Tolerance: unknown properties are ignored and missing ones keep their defaults, so fields may be added or
 * removed; a document the class can no longer take (a field's type changed) or an envelope naming a class that is
 * gone is a {@link StaleEncodingException}.
 */
final class JsonCodec implements Codec {
  static final String NAME = "json";

  private final JsonBinding json;
  private final ClassAdmission admission;
  private final Codec keys;
  /** The declared value type; documents carry their type unless it is a concrete class. */
  private final Class<?> valueType;
  private final boolean typed;

  /** @param mapper the application's Jackson 2 or 3 mapper, or null for one of our own */
  JsonCodec(Object mapper, String filterPattern) {
    this(JsonBindings.forMapper(mapper),
        new ClassAdmission(filterPattern, SerialAllowList.BUILT_IN), new DefaultCodec(filterPattern), Object.class);
  }

  private JsonCodec(JsonBinding json, ClassAdmission admission, Codec keys, Class<?> valueType) {
    this.json = json;
    this.admission = admission;
    this.keys = keys;
    this.valueType = valueType;
    this.typed = !valueType.isInterface() && !Modifier.isAbstract(valueType.getModifiers())
        && valueType != Object.class;
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
    return new JsonCodec(json, admission.with(keyType, valueType), keys.forTypes(keyType, valueType),
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
    return typed ? json.write(object) : json.writeEnvelope(type, object);
  }

  @Override
  public Object decode(byte[] bytes, ClassLoader classLoader) {
    if (typed) {
      return json.read(bytes, valueType);
    }
    return json.readEnvelope(bytes, name -> {
      Class<?> type = admission.require(load(name, classLoader));
      if (!valueType.isAssignableFrom(type)) {
        throw new IllegalArgumentException("The stored document is a " + type.getName() + ", which is not a "
            + valueType.getName());
      }
      return type;
    });
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
