package io.pgjcache.benchmarks.nearcache;

import io.pgjcache.benchmarks.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What a published figure must carry: versions of everything measured, the hardware, and how busy the machine
 * was (the client, the server and anything else share its cores).
 */
final class Machine {
  private Machine() {
  }

  /** The machine's one-minute, five-minute and fifteen-minute load averages, as {@code uptime} shows them. */
  static String loadAverage() {
    return readFirstLine(Path.of("/proc/loadavg"))
        .map(line -> String.join(" ", List.of(line.split(" ")).subList(0, 3)))
        .orElse("unknown");
  }

  /** A Markdown list of versions and hardware; {@code dataSource} names the PostgreSQL measured. */
  static String describe(DataSource dataSource) {
    List<String> lines = new ArrayList<>();
    lines.add("- measured: " + Instant.now().truncatedTo(ChronoUnit.MINUTES));
    lines.add("- pgjcache " + property("nearcache.version") + ", pgjdbc " + org.postgresql.util.DriverInfo.DRIVER_VERSION
        + ", Caffeine JCache " + property("nearcache.caffeine.version") + ", JMH " + property("nearcache.jmh.version"));
    lines.add("- PostgreSQL " + Environment.serverVersion(dataSource) + ", "
        + (System.getenv("PGJCACHE_JDBC_URL") == null
            ? "embedded (zonky), same machine, loopback TCP" : "the server named by PGJCACHE_JDBC_URL"));
    lines.add("- " + System.getProperty("java.vm.name") + " " + Runtime.version() + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    lines.add("- CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores shared by client and server" + (isVirtual() ? " (virtual machine)" : ""));
    return String.join("\n", lines) + "\n";
  }

  private static String property(String name) {
    return System.getProperty(name, "unknown");
  }

  private static String cpuModel() {
    return cpuInfoLines().stream().filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(System.getProperty("os.arch"));
  }

  private static boolean isVirtual() {
    return cpuInfoLines().stream().anyMatch(l -> l.startsWith("flags") && l.contains(" hypervisor"));
  }

  private static List<String> cpuInfoLines() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Optional<String> readFirstLine(Path path) {
    try {
      return Files.readAllLines(path).stream().findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
