package io.pgjcache.benchmarks.nearcache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A node in a JVM of its own, started with this JVM's class path and talked to by lines: commands on its standard
 * input, answers on its standard output ({@code ok ...}, {@code result ...} or {@code error ...}); its standard
 * error is this JVM's. Connection settings go through the environment, so a password never shows in a process
 * list.
 */
final class ChildJvm implements AutoCloseable {
  private static final String EOF = "\u0000eof";

  private final String name;
  private final Process process;
  private final PrintWriter commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readAnswers, "child-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} with {@code arguments} in a new JVM of {@code heap} (e.g. {@code 256m}).
   *
   * @param environment added to this JVM's environment
   */
  static ChildJvm start(String name, String heap, Map<String, String> environment, Class<?> mainClass,
      String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms" + heap, "-Xmx" + heap,
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"),
        mainClass.getName()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(environment);
    return new ChildJvm(name, builder.start());
  }

  String name() {
    return name;
  }

  /** Sends one command line. */
  void send(String command) {
    commands.println(command);
  }

  /**
   * The next answer's text after {@code expected} and a space (e.g. {@code "ok"}); fails on an {@code error} answer,
   * on anything else, when the JVM ends or when nothing comes within {@code timeout}.
   */
  String await(String expected, Duration timeout) throws InterruptedException {
    String line = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null) {
      throw new IllegalStateException(name + " did not answer within " + timeout.toSeconds() + " s");
    }
    if (line.equals(EOF)) {
      throw new IllegalStateException(name + " ended (exit value " + exitValue() + ")");
    }
    if (!line.startsWith(expected + " ")) {
      throw new IllegalStateException(name + " answered '" + line + "' where '" + expected + " ...' was expected");
    }
    return line.substring(expected.length() + 1);
  }

  /** Asks the JVM to end, and ends it by force if it has not within ten seconds. */
  @Override
  public void close() throws InterruptedException {
    send("quit");
    commands.close();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void readAnswers() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("ok ") || line.startsWith("result ") || line.startsWith("error ")) {
          answers.add(line);
        } else {
          System.err.println(name + ": " + line);
        }
      }
    } catch (IOException e) {
      System.err.println(name + ": reading its output failed: " + e);
    }
    answers.add(EOF);
  }

  private String exitValue() {
    try {
      return String.valueOf(process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : "still running");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
