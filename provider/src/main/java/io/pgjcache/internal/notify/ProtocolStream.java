package io.pgjcache.internal.notify;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Frames of the PostgreSQL frontend/backend protocol, version 3, over a socket's streams: the few messages a
 * LISTEN-only client sends, and every message the server sends, cut out of the byte stream.
 *
 * <p>Incoming bytes are kept in a buffer of our own, so a read timeout never loses part of a message: {@link
 * #poll()} returns the next complete message, or null when the socket's read timeout passed first, whether
 * or not part of a message has arrived. One thread reads. Writes are whole frames under a lock, because
 * {@code close()} may send Terminate from another thread while the reading thread sends a query.
 */
final class ProtocolStream {
  /** Protocol 3.0, as in the StartupMessage. */
  private static final int PROTOCOL_VERSION = 3 << 16;
  /** Far above anything a LISTEN session receives (a notification carries at most about 8 kB). */
  private static final int MAX_MESSAGE_LENGTH = 16 << 20;
  private static final int HEADER_LENGTH = 5;

  private final InputStream in;
  private final OutputStream out;
  private final ReentrantLock writeLock = new ReentrantLock();
  private byte[] buffer = new byte[16 * 1024];
  private int start;
  private int end;

  ProtocolStream(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  /**
   * The next message from the server, or null if the socket's read timeout passed before one was complete.
   *
   * @throws EOFException when the server closed the connection
   */
  Message poll() throws IOException {
    while (true) {
      int available = end - start;
      int needed = HEADER_LENGTH;
      if (available >= HEADER_LENGTH) {
        int length = ByteBuffer.wrap(buffer, start + 1, 4).getInt();
        if (length < 4 || length > MAX_MESSAGE_LENGTH) {
          throw new IOException("Malformed message from the server: type " + describeType(buffer[start])
              + ", length " + length + " (is this a PostgreSQL server?)");
        }
        needed = 1 + length;
        if (available >= needed) {
          Message message = new Message((char) (buffer[start] & 0xff),
              ByteBuffer.wrap(Arrays.copyOfRange(buffer, start + HEADER_LENGTH, start + needed)));
          start += needed;
          return message;
        }
      }
      makeRoom(needed);
      int read;
      try {
        read = in.read(buffer, end, buffer.length - end);
      } catch (SocketTimeoutException e) {
        return null;
      }
      if (read < 0) {
        throw new EOFException("The server closed the connection");
      }
      end += read;
    }
  }

  void sendStartup(Map<String, String> parameters) throws IOException {
    Frame frame = new Frame(null).int32(PROTOCOL_VERSION);
    parameters.forEach((key, value) -> frame.cstring(key).cstring(value));
    write(frame.cstring(""));
  }

  void sendQuery(String sql) throws IOException {
    write(new Frame('Q').cstring(sql));
  }

  /** PasswordMessage: a cleartext or MD5-hashed password. */
  void sendPassword(String password) throws IOException {
    write(new Frame('p').cstring(password));
  }

  void sendSaslInitialResponse(String mechanism, byte[] data) throws IOException {
    write(new Frame('p').cstring(mechanism).int32(data.length).bytes(data));
  }

  void sendSaslResponse(byte[] data) throws IOException {
    write(new Frame('p').bytes(data));
  }

  void sendTerminate() throws IOException {
    write(new Frame('X'));
  }

  /** Sends Terminate unless another thread is writing, which a blocked writer must not hold up. */
  void tryTerminate() throws IOException {
    if (writeLock.tryLock()) {
      try {
        sendTerminate();
      } finally {
        writeLock.unlock();
      }
    }
  }

  private void write(Frame frame) throws IOException {
    byte[] bytes = frame.toBytes();
    writeLock.lock();
    try {
      out.write(bytes);
      out.flush();
    } finally {
      writeLock.unlock();
    }
  }

  /** Ensures the buffer can hold {@code needed} bytes from {@code start} on, with room to read more. */
  private void makeRoom(int needed) {
    if (start == end) {
      start = 0;
      end = 0;
    }
    if (buffer.length - start >= needed && end < buffer.length) {
      return;
    }
    byte[] target = needed > buffer.length ? new byte[Math.max(needed, buffer.length * 2)] : buffer;
    System.arraycopy(buffer, start, target, 0, end - start);
    end -= start;
    start = 0;
    buffer = target;
  }

  private static String describeType(byte type) {
    return type >= 0x20 && type < 0x7f ? "'" + (char) type + "'" : "0x" + Integer.toHexString(type & 0xff);
  }

  /** One message from the server: its type byte and its body, read front to back. */
  static final class Message {
    private final char type;
    private final ByteBuffer body;

    Message(char type, ByteBuffer body) {
      this.type = type;
      this.body = body;
    }

    char type() {
      return type;
    }

    int int32() {
      return body.getInt();
    }

    /** A NUL-terminated UTF-8 string. */
    String cstring() throws IOException {
      int from = body.position();
      int nul = from;
      while (nul < body.limit() && body.get(nul) != 0) {
        nul++;
      }
      if (nul == body.limit()) {
        throw new IOException("Malformed message from the server: type '" + type + "' has an unterminated string");
      }
      String text = new String(body.array(), from, nul - from, StandardCharsets.UTF_8);
      body.position(nul + 1);
      return text;
    }

    byte[] remaining() {
      byte[] bytes = new byte[body.remaining()];
      body.get(bytes);
      return bytes;
    }

    /**
     * An ErrorResponse as an exception to throw. Its message carries severity, SQLSTATE and text, plus detail
     * and hint when the server gave them, e.g. {@code FATAL 28P01: password authentication failed for user "app"}.
     */
    ServerError error() throws IOException {
      String severity = null;
      String localizedSeverity = null;
      String code = null;
      String message = null;
      String detail = null;
      String hint = null;
      while (body.hasRemaining()) {
        byte field = body.get();
        if (field == 0) {
          break;
        }
        String value = cstring();
        switch (field) {
          case 'V' -> severity = value;
          case 'S' -> localizedSeverity = value;
          case 'C' -> code = value;
          case 'M' -> message = value;
          case 'D' -> detail = value;
          case 'H' -> hint = value;
          default -> {
            // position, file, line and routine: not for users
          }
        }
      }
      StringBuilder text = new StringBuilder();
      text.append(severity != null ? severity : localizedSeverity != null ? localizedSeverity : "ERROR");
      if (code != null) {
        text.append(' ').append(code);
      }
      text.append(": ").append(message != null ? message : "(no message)");
      if (detail != null) {
        text.append(" (").append(detail).append(')');
      }
      if (hint != null) {
        text.append(" Hint: ").append(hint);
      }
      return new ServerError(code, text.toString());
    }
  }

  /** The server reported an error; {@link #sqlState()} says which kind. */
  static final class ServerError extends IOException {
    private static final long serialVersionUID = 1L;
    private final String sqlState;

    ServerError(String sqlState, String text) {
      super(text);
      this.sqlState = sqlState;
    }

    /** The SQLSTATE, or null if the server sent none. */
    String sqlState() {
      return sqlState;
    }
  }

  /** A message being built: type byte (none for StartupMessage), then a length that the body decides. */
  private static final class Frame {
    private final Character type;
    private ByteBuffer body = ByteBuffer.allocate(64);

    Frame(Character type) {
      this.type = type;
    }

    Frame int32(int value) {
      ensure(4);
      body.putInt(value);
      return this;
    }

    Frame cstring(String text) {
      if (text.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("PostgreSQL strings cannot contain NUL characters");
      }
      return bytes(text.getBytes(StandardCharsets.UTF_8)).bytes(new byte[] {0});
    }

    Frame bytes(byte[] bytes) {
      ensure(bytes.length);
      body.put(bytes);
      return this;
    }

    byte[] toBytes() {
      int typeLength = type == null ? 0 : 1;
      ByteBuffer frame = ByteBuffer.allocate(typeLength + 4 + body.position());
      if (type != null) {
        frame.put((byte) type.charValue());
      }
      frame.putInt(4 + body.position());
      frame.put(body.array(), 0, body.position());
      return frame.array();
    }

    private void ensure(int more) {
      if (body.remaining() < more) {
        ByteBuffer larger = ByteBuffer.allocate(Math.max(body.capacity() * 2, body.position() + more));
        larger.put(body.array(), 0, body.position());
        body = larger;
      }
    }
  }
}
