package io.pgjcache.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The CPU time this JVM has used, and where PostgreSQL runs on this machine, the time its processes have used: read
 * before and after a measurement, they say what each operation cost the client and the server, and how much of the
 * machine neither used. On a machine whose cores the client and the server share, throughput follows the sum, so a
 * ratio below target can be told apart: a dearer statement, a dearer client, or cores left idle between the two.
 *
 * <p>The server's time is that of its postmaster and every process it started (the backends, and those that have
 * exited, which the kernel adds to their parent's figures), read from {@code /proc}. It is unknown (-1) when the
 * server is not reached through this machine's loopback or Unix socket, or when {@code /proc} does not show it.
 */
final class CpuTime {
  /** Linux reports process times in clock ticks of USER_HZ, 1/100 s on x86-64 and AArch64 alike. */
  private static final long NANOS_PER_TICK = 10_000_000L;
  private static final Path PROC = Path.of("/proc");

  /** The server's postmaster, or -1 when its processes cannot be read here. */
  private final long postmaster;
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private CpuTime(long postmaster) {
    this.postmaster = postmaster;
  }

  /** This JVM's time, and the server's when {@code pool}'s server runs on this machine. */
  static CpuTime of(DataSource pool) {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid(), host(inet_server_addr())")) {
      rs.next();
      long backend = rs.getLong(1);
      String address = rs.getString(2);
      if (address != null && !isLoopback(address)) {
        return new CpuTime(-1);
      }
      ProcessStat stat = ProcessStat.read(PROC.resolve(Long.toString(backend)));
      return new CpuTime(stat != null && stat.isPostgres() ? stat.parent() : -1);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not ask the server for its process: " + e.getMessage(), e);
    }
  }

  private static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Both figures now. */
  Sample now() {
    return new Sample(os.getProcessCpuTime(), postmaster > 0 ? serverTicks() * NANOS_PER_TICK : -1);
  }

  /** CPU time used so far: this JVM's, and the server's or -1 when unknown. */
  record Sample(long clientNanos, long serverNanos) {
  }

  private long serverTicks() {
    try (Stream<Path> processes = Files.list(PROC)) {
      return ticksOfServer(postmaster, processes
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .map(ProcessStat::read).filter(Objects::nonNull).toList());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list " + PROC, e);
    }
  }

  /**
   * The ticks of the server whose postmaster is {@code postmaster}: its own, its children's that have exited, and
   * those of its live children.
   */
  static long ticksOfServer(long postmaster, List<ProcessStat> stats) {
    long ticks = 0;
    for (ProcessStat stat : stats) {
      if (stat.pid() == postmaster) {
        ticks += stat.ownTicks() + stat.exitedChildrenTicks();
      } else if (stat.parent() == postmaster) {
        ticks += stat.ownTicks();
      }
    }
    return ticks;
  }

  /** The fields of one {@code /proc/<pid>/stat} line that these figures need. */
  record ProcessStat(long pid, String command, long parent, long ownTicks, long exitedChildrenTicks) {
    boolean isPostgres() {
      return command.startsWith("postgres");
    }

    /** The process's stat, or null when it has exited meanwhile. */
    static ProcessStat read(Path process) {
      try {
        return parse(Files.readString(process.resolve("stat")));
      } catch (IOException gone) {
        // A process that exits between the listing and the read: no such file, or "no such process" (ESRCH).
        return null;
      }
    }

    /**
     * Parses {@code pid (comm) state ppid ... utime stime cutime cstime ...} (proc(5)). The command may itself hold
     * spaces and parentheses, so it ends at the line's last closing parenthesis.
     */
    static ProcessStat parse(String line) {
      int open = line.indexOf('(');
      int close = line.lastIndexOf(')');
      String[] fields = line.substring(close + 2).trim().split(" ");
      // fields[0] is the state (field 3 of proc(5)), so field n is fields[n - 3].
      return new ProcessStat(Long.parseLong(line.substring(0, open).trim()), line.substring(open + 1, close),
          Long.parseLong(fields[1]), Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
          Long.parseLong(fields[13]) + Long.parseLong(fields[14]));
    }
  }
}
