package io.pgjcache.internal.codec;

import io.pgjcache.configuration.Setting;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The default codec: a one-byte tag, then a compact form for strings, byte arrays and boxed primitives,
 * and Java serialization for everything else.
 *
 * <p>Stored bytes are untrusted: anyone who can write a cache table can put anything in it. Decoding
 * therefore never fails with anything but {@link IllegalArgumentException}, allocates nothing in proportion to
 * a length the bytes merely claim, and reads Java-serialized data through an {@link ObjectInputFilter} that
 * admits a class only if {@code pgjcache.serial-filter} allows it or it is on the {@link SerialAllowList}
 * (checked before the class is initialized); any JVM-wide filter must not reject it either.
 */
public final class DefaultCodec implements Codec {
  private static final byte STRING = 1;
  private static final byte BYTES = 2;
  private static final byte INTEGER = 3;
  private static final byte LONG = 4;
  private static final byte DOUBLE = 5;
  private static final byte FLOAT = 6;
  private static final byte SHORT = 7;
  private static final byte BYTE = 8;
  private static final byte BOOLEAN = 9;
  private static final byte CHARACTER = 10;
  private static final byte SERIALIZED = 64;
  /**
   * Each element of a serialized array or collection takes at least one byte of the stream, so a claimed
   * length beyond this many elements per stream byte is a lie; refusing it keeps a short row from making us
   * allocate a huge array. (Hash tables size themselves at a few slots per entry.)
   */
  private static final int ELEMENTS_PER_BYTE = 8;
  private static final int SMALL_ARRAY = 64;

  private final String filterPattern;
  private final ObjectInputFilter configured;
  private final SerialAllowList allowList;

  /** @param filterPattern the {@code pgjcache.serial-filter} pattern ({@link ObjectInputFilter.Config#createFilter}) */
  public DefaultCodec(String filterPattern) {
    this(filterPattern, SerialAllowList.BUILT_IN);
  }

  private DefaultCodec(String filterPattern, SerialAllowList allowList) {
    this.filterPattern = Objects.requireNonNull(filterPattern, "filterPattern");
    this.configured = ObjectInputFilter.Config.createFilter(filterPattern);
    this.allowList = allowList;
  }

  /** This codec's name in settings and in the registry. */
  public static final String NAME = "java";

  @Override
  public String name() {
    return NAME;
  }

  /** This codec, also admitting the cache's declared key and value types (see {@link SerialAllowList}). */
  @Override
  public Codec forTypes(Class<?> keyType, Class<?> valueType) {
    return new DefaultCodec(filterPattern, allowList.with(keyType, valueType));
  }

  @Override
  public byte[] encode(Object object) {
    Objects.requireNonNull(object, "object");
    if (object instanceof String s) {
      return tagged(STRING, s.getBytes(StandardCharsets.UTF_8));
    } else if (object instanceof byte[] b) {
      return tagged(BYTES, b);
    } else if (object instanceof Integer i) {
      return ByteBuffer.allocate(5).put(INTEGER).putInt(i).array();
    } else if (object instanceof Long l) {
      return ByteBuffer.allocate(9).put(LONG).putLong(l).array();
    } else if (object instanceof Double d) {
      return ByteBuffer.allocate(9).put(DOUBLE).putDouble(d).array();
    } else if (object instanceof Float f) {
      return ByteBuffer.allocate(5).put(FLOAT).putFloat(f).array();
    } else if (object instanceof Short s) {
      return ByteBuffer.allocate(3).put(SHORT).putShort(s).array();
    } else if (object instanceof Byte b) {
      return new byte[] {BYTE, b};
    } else if (object instanceof Boolean b) {
      return new byte[] {BOOLEAN, (byte) (b ? 1 : 0)};
    } else if (object instanceof Character c) {
      return ByteBuffer.allocate(3).put(CHARACTER).putChar(c).array();
    }
    return serialize(object);
  }

  @Override
  public Object decode(byte[] bytes, ClassLoader classLoader) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("Cannot decode an empty byte array");
    }
    return switch (bytes[0]) {
      case STRING -> new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
      case BYTES -> Arrays.copyOfRange(bytes, 1, bytes.length);
      case INTEGER -> body(bytes, Integer.BYTES, "an Integer").getInt();
      case LONG -> body(bytes, Long.BYTES, "a Long").getLong();
      case DOUBLE -> body(bytes, Double.BYTES, "a Double").getDouble();
      case FLOAT -> body(bytes, Float.BYTES, "a Float").getFloat();
      case SHORT -> body(bytes, Short.BYTES, "a Short").getShort();
      case BYTE -> body(bytes, 1, "a Byte").get();
      case BOOLEAN -> body(bytes, 1, "a Boolean").get() != 0;
      case CHARACTER -> body(bytes, Character.BYTES, "a Character").getChar();
      case SERIALIZED -> deserialize(bytes, classLoader);
      default -> throw new IllegalArgumentException("Unknown encoding tag " + bytes[0]
          + "; the bytes were not written by this codec");
    };
  }

  /** The bytes after the tag, which must be exactly {@code size} long for the tagged type. */
  private static ByteBuffer body(byte[] bytes, int size, String what) {
    if (bytes.length - 1 != size) {
      throw new IllegalArgumentException("The encoding of " + what + " has " + (bytes.length - 1)
          + " bytes after its tag, not " + size + "; the bytes were not written by this codec");
    }
    return ByteBuffer.wrap(bytes, 1, size);
  }
  private static byte[] tagged(byte tag, byte[] payload) {
    byte[] out = new byte[payload.length + 1];
    out[0] = tag;
    System.arraycopy(payload, 0, out, 1, payload.length);
    return out;
  }

  private static byte[] serialize(Object object) {
    if (!(object instanceof Serializable)) {
      throw new IllegalArgumentException("Cannot store a " + object.getClass().getName()
          + ": it does not implement java.io.Serializable (every entry is stored encoded in PostgreSQL)");
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
    buffer.write(SERIALIZED);
    try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
      out.writeObject(object);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException("Cannot store a " + object.getClass().getName()
          + ": it holds a " + e.getMessage() + ", which is not serializable", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot serialize a " + object.getClass().getName() + ": " + e, e);
    }
    return buffer.toByteArray();
  }

  private Object deserialize(byte[] bytes, ClassLoader classLoader) {
    StreamFilter streamFilter = new StreamFilter(bytes.length);
    try (ObjectInputStream in = new LoaderObjectInputStream(
        new ByteArrayInputStream(bytes, 1, bytes.length - 1), classLoader)) {
      in.setObjectInputFilter(streamFilter);
      return in.readObject();
    } catch (InvalidClassException e) {
      if (!streamFilter.refusedAny()) {
        // Not our filter: the class's serialVersionUID or form changed since the entry was written.
        throw new StaleEncodingException("Cannot deserialize a stored object any more: " + e.getMessage(), e);
      }
      throw new IllegalArgumentException("Refused to deserialize a stored object: " + streamFilter.refusal(e)
          + ". Only the classes a cache is configured to hold are read; to read it, add the class to "
          + Setting.SERIAL_FILTER.key() + " (e.g. com.example.Order or com.example.**)", e);
    } catch (ClassNotFoundException e) {
      // A class that is not here cannot be instantiated: renamed or removed since the entry was written.
      throw new StaleEncodingException("Cannot deserialize a stored object any more: no class " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      // A damaged stream makes ObjectInputStream (and readObject methods) throw all sorts of runtime exceptions.
      throw new IllegalArgumentException("Cannot deserialize a stored object: " + e, e);
    } catch (InternalError e) {
      // The JDK's immutable collections (List.of, Map.of) throw it from readResolve on a damaged stream: the
      // bytes' fault, not the JVM's.
      throw new IllegalArgumentException("Cannot deserialize a stored object: " + e, e);
    }
  }

  /**
   * The filter of one stream: the configured pattern first (its limits, and the classes it names either way),
   * then any JVM-wide filter, which may only refuse more; a class neither names is admitted only by the
   * allow-list. Remembers what it refused, for the message.
   */
  private final class StreamFilter implements ObjectInputFilter {
    private final long maxElements;
    private final ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
    private String refused;

    StreamFilter(int streamLength) {
      this.maxElements = SMALL_ARRAY + (long) ELEMENTS_PER_BYTE * streamLength;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      Status ours = configured.checkInput(info);
      Class<?> type = info.serialClass();
      if (info.arrayLength() > maxElements) {
        return refuse("an array of " + info.arrayLength() + " elements in a stream of " + (maxElements - SMALL_ARRAY)
            / ELEMENTS_PER_BYTE + " bytes");
      }
      if (ours == Status.REJECTED) {
        return refuse((type == null ? "" : "class " + type.getName() + " or ") + "a limit of "
            + Setting.SERIAL_FILTER.key() + " (depth " + info.depth() + ", references " + info.references()
            + ", array length " + info.arrayLength() + ", bytes " + info.streamBytes() + ")");
      }
      if (jvmWide != null && jvmWide.checkInput(info) == Status.REJECTED) {
        return refuse((type == null ? "a limit" : "class " + type.getName()) + " of the JVM-wide serial filter");
      }
      if (type == null || ours == Status.ALLOWED || allowList.allows(type)) {
        return type == null ? ours : Status.ALLOWED;
      }
      return refuse("class " + type.getName() + ", which is not on the " + allowList);
    }

    private Status refuse(String what) {
      if (refused == null) {
        refused = what;
      }
      return Status.REJECTED;
    }

    boolean refusedAny() {
      return refused != null;
    }

    String refusal(InvalidClassException e) {
      return refused != null ? refused : e.getMessage();
    }
  }

  /** Resolves classes through the cache's class loader rather than the caller's. */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;

    LoaderObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
      super(in);
      this.classLoader = classLoader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, classLoader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
