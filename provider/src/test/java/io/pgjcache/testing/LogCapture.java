package io.pgjcache.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Records what the provider and its libraries log while it is open: {@code java.util.logging}, where
 * the provider's {@code System.Logger} and pgjdbc write (the given loggers down to the finest level),
 * and everything written to {@code System.out}/{@code System.err}, where slf4j-simple (HikariCP) writes.
 * The output still reaches the console.
 */
public final class LogCapture implements AutoCloseable {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final Map<Logger, Level> previousLevels = new HashMap<>();
  private final Logger root = Logger.getLogger("");
  private final Handler handler = new Handler() {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      write(formatter.format(record));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;

  private LogCapture(String... verboseLoggers) {
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
    for (String name : verboseLoggers) {
      Logger logger = Logger.getLogger(name);
      previousLevels.put(logger, logger.getLevel());
      logger.setLevel(Level.ALL);
    }
    System.setOut(tee(originalOut));
    System.setErr(tee(originalErr));
  }

  /** Starts capturing; the named {@code java.util.logging} loggers log everything meanwhile. */
  public static LogCapture start(String... verboseLoggers) {
    return new LogCapture(verboseLoggers);
  }

  /** Everything captured so far. */
  public String text() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    System.setOut(originalOut);
    System.setErr(originalErr);
    root.removeHandler(handler);
    previousLevels.forEach(Logger::setLevel);
  }

  private void write(String text) {
    synchronized (captured) {
      captured.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private PrintStream tee(PrintStream original) {
    return new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        synchronized (captured) {
          captured.write(b);
        }
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        original.write(bytes, offset, length);
        synchronized (captured) {
          captured.write(bytes, offset, length);
        }
      }
    }, true, StandardCharsets.UTF_8);
  }
}
