package io.pgjcache.examples.hibernate;

import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The test's side of a {@link CrashingNode}: starts it on this JVM's class path and database, sends it its commands,
 * waits (with a bound) for each of its answers, and kills it with {@link Process#destroyForcibly()}, which is
 * {@code kill -9} on Linux: no shutdown hook, no finally block, no after-commit work runs.
 */
final class CrashingNodeProcess implements AutoCloseable {
  private static final Duration ANSWERS_WITHIN = Duration.ofSeconds(90);

  private final Process process;
  private final PrintStream commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final Path output;

  private CrashingNodeProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
    this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readAnswers, "crashing-node-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the node with the pgjcache file {@code cacheConfig} and {@code regionFactory} on the entities in
   * {@code entitySchema}, and waits until it is ready. The database's credentials go in its environment, never on its
   * command line.
   */
  static CrashingNodeProcess start(Path cacheConfig, Class<?> regionFactory, String entitySchema,
      HikariDataSource database, Path directory) throws IOException {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dorg.jboss.logging.provider=slf4j",
        // Its logs go to a file; standard output carries only its answers.
        "-Dorg.slf4j.simpleLogger.logFile=System.err",
        // Failsafe hands the test class path over in a property of its own.
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        CrashingNode.class.getName(), cacheConfig.toUri().toString(), entitySchema, regionFactory.getName());
    Path output = Files.createTempFile(directory, "crashing-node", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(output.toFile());
    Map<String, String> environment = builder.environment();
    environment.put("PGJCACHE_JDBC_URL", database.getJdbcUrl());
    if (database.getUsername() != null) {
      environment.put("PGJCACHE_JDBC_USER", database.getUsername());
    }
    if (database.getPassword() != null) {
      environment.put("PGJCACHE_JDBC_PASSWORD", database.getPassword());
    }
    CrashingNodeProcess node = new CrashingNodeProcess(builder.start(), output);
    node.await(CrashingNode.READY);
    return node;
  }

  /** Flushes the change of the entity to {@code state} in a transaction it keeps open. */
  void flushUpdate(UpdatedEntity entity, long id, long state) {
    commands.println("update " + entity.name() + " " + id + " " + state);
    await(CrashingNode.FLUSHED);
  }

  /** Commits, and returns once the node stands between the commit and Hibernate's after-commit work. */
  void commit() {
    commands.println("commit");
    await(CrashingNode.COMMITTED);
  }

  /** Kills the node as {@code kill -9} does, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(ANSWERS_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("the crashing node did not die");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private void await(String answer) {
    try {
      String line = answers.poll(ANSWERS_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      if (!answer.equals(line)) {
        throw new IllegalStateException("the crashing node answered " + line + " instead of '" + answer + "'"
            + (process.isAlive() ? "" : " and exited with " + process.exitValue()) + "; its output:\n" + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for '" + answer + "'", e);
    }
  }

  private void readAnswers() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("crashing-node: ")) {
          answers.add(line);
        }
      }
    } catch (IOException e) {
      // The process ended.
    }
  }

  private String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
