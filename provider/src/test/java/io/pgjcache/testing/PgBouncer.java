package io.pgjcache.testing;

import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.notify.ListenTarget;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PgBouncer of the test's own, in transaction pooling mode, in front of one database: started as a child
 * process on a free loopback port, stopped by {@link #close()}. PgBouncer refuses to run as root, so under root
 * it is told to switch to {@code nobody}, and its files are made readable for that user.
 */
public final class PgBouncer implements AutoCloseable {
  private static final Duration STARTS_WITHIN = Duration.ofSeconds(15);
  private static final List<Path> USUAL_PLACES = List.of(Path.of("/usr/sbin/pgbouncer"),
      Path.of("/usr/bin/pgbouncer"), Path.of("/usr/local/bin/pgbouncer"));

  private final Process process;
  private final int port;
  private final Path log;

  private PgBouncer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The pgbouncer executable on the PATH or in the usual places, if installed. */
  public static Optional<Path> executable() {
    Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "pgbouncer"));
    return Stream.concat(onPath, USUAL_PLACES.stream()).filter(Files::isExecutable).findFirst();
  }

  /**
   * Starts PgBouncer for the server's database, logging in as the server's user, and waits until it accepts
   * connections.
   *
   * @param settings extra lines for the {@code [pgbouncer]} section
   */
  public static PgBouncer start(Path executable, Path directory, ListenTarget server, List<String> settings)
      throws IOException {
    int port = freePort();
    Path userList = directory.resolve("userlist.txt");
    Path ini = directory.resolve("pgbouncer.ini");
    Path log = directory.resolve("pgbouncer.log");
    Files.writeString(userList, quoted(server.user()) + " " + quoted(server.password() == null ? ""
        : server.password()) + "\n", StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of(
        "[databases]",
        server.database() + " = host=" + numericHost(server.host()) + " port=" + server.port()
            + " dbname=" + server.database(),
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        "listen_port = " + port,
        "unix_socket_dir =",
        "pool_mode = transaction",
        // Clients are not checked; the user list gives PgBouncer the password to log in to the server with.
        "auth_type = trust",
        "auth_file = " + userList,
        "default_pool_size = 4",
        "log_connections = 1"));
    lines.addAll(settings);
    Files.write(ini, lines, StandardCharsets.UTF_8);

    List<String> command = new ArrayList<>(List.of(executable.toString()));
    if ("root".equals(System.getProperty("user.name"))) {
      for (Path path : List.of(directory, userList, ini)) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
            Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
      }
      command.addAll(List.of("-u", "nobody"));
    }
    command.add(ini.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PgBouncer bouncer = new PgBouncer(process, port, log);
    try {
      await("pgbouncer accepts connections").atMost(STARTS_WITHIN).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("pgbouncer exited with " + process.exitValue() + ":\n" + bouncer.log());
            }
            return accepts(port);
          });
    } catch (RuntimeException e) {
      bouncer.close();
      throw e;
    }
    return bouncer;
  }

  public int port() {
    return port;
  }

  /** What PgBouncer has logged so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops PgBouncer (SIGTERM, then SIGKILL if it lingers) and waits until it is gone. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** PgBouncer resolves names itself; the loopback address avoids a detour through IPv6 for localhost. */
  private static String numericHost(String host) {
    return host.equals("localhost") ? "127.0.0.1" : host;
  }

  private static String quoted(String text) {
    return '"' + text.replace("\"", "\"\"") + '"';
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
