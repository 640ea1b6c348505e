package io.pgjcache.internal.codec;

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
 * and Java serialization for everything else. Java-serialized data is read back through an
 * {@link ObjectInputFilter}, so bytes written into a table by someone else cannot make this JVM
 * instantiate arbitrary classes.
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

  private final ObjectInputFilter filter;

  /** @param filterPattern an {@link ObjectInputFilter.Config#createFilter} pattern */
  public DefaultCodec(String filterPattern) {
    this.filter = ObjectInputFilter.Config.createFilter(Objects.requireNonNull(filterPattern, "filterPattern"));
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
    ByteBuffer body = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    return switch (bytes[0]) {
      case STRING -> new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
      case BYTES -> Arrays.copyOfRange(bytes, 1, bytes.length);
      case INTEGER -> body.getInt();
      case LONG -> body.getLong();
      case DOUBLE -> body.getDouble();
      case FLOAT -> body.getFloat();
      case SHORT -> body.getShort();
      case BYTE -> bytes[1];
      case BOOLEAN -> bytes[1] != 0;
      case CHARACTER -> body.getChar();
      case SERIALIZED -> deserialize(bytes, classLoader);
      default -> throw new IllegalArgumentException("Unknown encoding tag " + bytes[0]
          + "; the row was not written by this codec");
    };
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
    try (ObjectInputStream in = new LoaderObjectInputStream(
        new ByteArrayInputStream(bytes, 1, bytes.length - 1), classLoader)) {
      in.setObjectInputFilter(combinedFilter());
      return in.readObject();
    } catch (InvalidClassException e) {
      throw new IllegalArgumentException("Refused to deserialize a stored value: " + e.getMessage()
          + " (see pgjcache.serial-filter)", e);
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalArgumentException("Cannot deserialize a stored value: " + e, e);
    }
  }

  /** Our filter, and the JVM-wide one if the application set it: both must allow a class. */
  private ObjectInputFilter combinedFilter() {
    ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
    if (jvmWide == null) {
      return filter;
    }
    return info -> {
      ObjectInputFilter.Status ours = filter.checkInput(info);
      if (ours == ObjectInputFilter.Status.REJECTED) {
        return ours;
      }
      ObjectInputFilter.Status theirs = jvmWide.checkInput(info);
      return theirs == ObjectInputFilter.Status.UNDECIDED ? ours : theirs;
    };
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
