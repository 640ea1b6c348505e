package io.pgjcache.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link NodeProcess} in a JVM of its own, on this JVM's class path, and talks to it: one command, one
 * answer, each within a bound. Closing asks it to exit and kills it if it does not.
 */
public final class SecondProcess implements AutoCloseable {
  private static final Duration STARTS_WITHIN = Duration.ofSeconds(60);

  private final Process process;
  private final PrintStream commands;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Path errors;

  private SecondProcess(Process process, Path errors) {
    this.process = process;
    this.errors = errors;
    this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readAnswers, "second-process-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the node on the named cache with these extra environment variables (its settings, as
   * {@code PGJCACHE_*}: nothing secret on a command line), and waits until it is ready.
   */
  public static SecondProcess start(String cacheName, Map<String, String> environment, Path workDirectory)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classPath());
    command.add(NodeProcess.class.getName());
    command.add(cacheName);
    Path errors = workDirectory.resolve("second-process.stderr");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
    builder.environment().putAll(environment);
    SecondProcess started = new SecondProcess(builder.start(), errors);
    String first = started.next(STARTS_WITHIN, "to start");
    if (!first.equals(NodeProcess.READY)) {
      started.close();
      fail("the second process did not start: " + first + started.errorOutput());
    }
    return started;
  }

  /** Sends one command and returns the answer (without its prefix). */
  public String ask(String command, Duration within) {
    commands.println(command);
    String line = next(within, "to answer '" + command + "'");
    if (!line.startsWith(NodeProcess.ANSWER)) {
      return fail("the second process answered '" + line + "' to '" + command + "'" + errorOutput());
    }
    return line.substring(NodeProcess.ANSWER.length());
  }

  /** Asks the node to exit; returns its exit code. */
  public int exit(Duration within) throws InterruptedException {
    commands.println("exit");
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      fail("the second process did not exit within " + within + errorOutput());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private String next(Duration within, String what) {
    try {
      String line = lines.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        return fail("the second process took longer than " + within + " " + what
            + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + errorOutput());
      }
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  private void readAnswers() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.equals(NodeProcess.READY) || line.startsWith(NodeProcess.ANSWER)) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private String errorOutput() {
    try {
      return "\n--- its standard error ---\n" + Files.readString(errors);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test class path: surefire and failsafe hand it over in a property of their own. */
  private static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }
}
