package io.pgjcache.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.SerializerFactory.BaseSerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CompatibleFieldSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.CompatibleFieldSerializer.CompatibleFieldSerializerConfig;
import com.esotericsoftware.kryo.serializers.FieldSerializer.CachedField;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.util.Objects;
import java.util.UUID;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Keys and values in Kryo 5's binary form: compact and fast, for classes that need not implement
 * {@code Serializable} nor have a no-argument constructor.
 *
 * <p>Classes are written by name (nothing is registered, so every node reads every other node's bytes whatever
 * its classes) and each name read is loaded without initialization and checked against {@code pgjcache.serial-filter}
 * and the allow-list ({@link ClassAdmission}) before Kryo makes a serializer for it or instantiates it. Objects are
 * written field by field with their field names ({@link CompatibleFieldSerializer}, chunked), so that fields may be
 * added or removed between versions of a class; a class that is gone, or a field whose type changed, is a
 * {@link StaleEncodingException}. References are tracked, so shared objects and cycles survive as with Java
 * serialization.
 *
 * <p>Kryo instances are not thread-safe: each encoding or decoding borrows one from a pool.
 */
final class KryoCodec implements Codec {
  static final String NAME = "kryo";
  private static final int POOL_SIZE = 64;
  /** Deeper object graphs are refused: a stored row could otherwise make a decoding overflow the stack. */
  private static final int MAX_DEPTH = 64;

  private final ClassAdmission admission;
  private final Pool<Kryo> pool;

  KryoCodec(String filterPattern) {
    this(new ClassAdmission(filterPattern, SerialAllowList.BUILT_IN));
  }

  private KryoCodec(ClassAdmission admission) {
    this.admission = admission;
    this.pool = new Pool<>(true, true, POOL_SIZE) {
      @Override
      protected Kryo create() {
        return newKryo();
      }
    };
  }

  private Kryo newKryo() {
    Kryo kryo = new Kryo(new AdmittingClassResolver(admission), null);
    kryo.setRegistrationRequired(false);
    kryo.setReferences(true);
    kryo.setMaxDepth(MAX_DEPTH);
    // Kryo has a serializer for UUID but does not use it unless told; its fields are closed to reflection.
    kryo.addDefaultSerializer(UUID.class, new DefaultSerializers.UUIDSerializer());
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    CompatibleFieldSerializerConfig config = new CompatibleFieldSerializerConfig();
    // Chunks let a reader skip the data of a field its class no longer has.
    config.setChunkedEncoding(true);
    kryo.setDefaultSerializer(new BaseSerializerFactory<CheckedFieldSerializer<?>>() {
      @Override
      public CheckedFieldSerializer<?> newSerializer(Kryo owner, Class type) {
        return new CheckedFieldSerializer<>(owner, type, config);
      }
    });
    return kryo;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Codec forTypes(Class<?> keyType, Class<?> valueType) {
    return new KryoCodec(admission.with(keyType, valueType));
  }

  @Override
  public byte[] encode(Object object) {
    Objects.requireNonNull(object, "object");
    Kryo kryo = pool.obtain();
    try (Output out = new Output(128, -1)) {
      kryo.writeClassAndObject(out, object);
      return out.toBytes();
    } catch (InaccessibleObjectException e) {
      throw new IllegalArgumentException("Cannot store a " + object.getClass().getName() + " with kryo: it holds a "
          + "JDK class whose fields Java closes to reflection (" + firstLine(e) + "); copy it into a plain "
          + "collection, or use the java codec", e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Cannot store a " + object.getClass().getName() + " with kryo: "
          + firstLine(e), e);
    } finally {
      pool.free(kryo);
    }
  }

  @Override
  public Object decode(byte[] bytes, ClassLoader classLoader) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("Cannot decode an empty byte array");
    }
    Kryo kryo = pool.obtain();
    kryo.setClassLoader(classLoader);
    try (Input in = new Input(bytes)) {
      Object object = kryo.readClassAndObject(in);
      if (in.position() != bytes.length) {
        throw new IllegalArgumentException((bytes.length - in.position()) + " bytes follow the stored object; the "
            + "bytes were not written by this codec");
      }
      return object;
    } catch (KryoException | ClassCastException | IllegalArgumentException | IllegalStateException
        | IndexOutOfBoundsException | NegativeArraySizeException | ArrayStoreException e) {
      throw classified(e);
    } finally {
      pool.free(kryo);
    }
  }

  /** A refusal of ours passes as it is; a missing class or a field of another type is stale; the rest malformed. */
  private static IllegalArgumentException classified(RuntimeException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof Refused refused) {
        return new IllegalArgumentException(refused.getMessage(), e);
      }
      if (cause instanceof ClassNotFoundException || cause instanceof ClassCastException) {
        return new StaleEncodingException("The stored object does not fit this JVM's classes any more: "
            + firstLine(e), e);
      }
    }
    if (e instanceof IllegalArgumentException iae && !(e instanceof StaleEncodingException)) {
      return iae;
    }
    return new IllegalArgumentException("Cannot read the stored object: " + firstLine(e), e);
  }

  /** Kryo appends its serialization trace on further lines. */
  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Checks every class name read against the admission policy before Kryo registers or instantiates the class. */
  private static final class AdmittingClassResolver extends DefaultClassResolver {
    private final ClassAdmission admission;

    AdmittingClassResolver(ClassAdmission admission) {
      this.admission = admission;
    }

    @Override
    protected Class<?> getTypeByName(String className) {
      Class<?> known = super.getTypeByName(className);
      if (known != null) {
        return known;
      }
      Class<?> type;
      try {
        type = Class.forName(className, false, kryo.getClassLoader());
      } catch (ClassNotFoundException e) {
        // Kryo tries once more and reports it missing, with the class named.
        return null;
      } catch (LinkageError e) {
        throw new Refused("The stored object names class " + className + ", which cannot be loaded: " + e);
      }
      try {
        admission.require(type);
      } catch (IllegalArgumentException e) {
        throw new Refused(e.getMessage());
      }
      return type;
    }
  }

  /**
   * Kryo's field serializer, which also checks that each field read holds a value of the field's type: when a field's
   * type changed since the entry was written, Kryo puts the old value into it whatever its type (an Integer into a
   * List), which would fail far from here, in the application. Such an entry is stale instead.
   */
  private static final class CheckedFieldSerializer<T> extends CompatibleFieldSerializer<T> {
    CheckedFieldSerializer(Kryo kryo, Class<T> type, CompatibleFieldSerializerConfig config) {
      super(kryo, type, config);
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
      T object = super.read(kryo, input, type);
      for (CachedField cached : getFields()) {
        Field field = cached.getField();
        if (field.getType().isPrimitive()) {
          continue;
        }
        Object value;
        try {
          value = field.get(object);
        } catch (IllegalAccessException e) {
          throw new KryoException("Cannot check field " + field, e);
        }
        if (value != null && !field.getType().isInstance(value)) {
          throw new KryoException("The stored " + field + " holds a " + value.getClass().getName(),
              new ClassCastException(value.getClass().getName()));
        }
      }
      return object;
    }
  }

  /** Our refusal of a class, told apart from Kryo's own failures however Kryo wraps it. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }
}
