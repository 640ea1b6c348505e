package io.pgjcache.benchmarks.codec;

/**
 * The JMH command line of a codec benchmark: the benchmark's own annotations, or with {@code -Dbench.quick=true} a
 * smoke run that measures each case once for a fraction of a second, to show that every case still runs (its
 * figures mean nothing). Either way a case that throws fails the run, which JMH would otherwise report and exit 0.
 */
final class JmhCommand {
  private JmhCommand() {
  }

  static String[] of(Class<?> benchmark) {
    return Boolean.getBoolean("bench.quick")
        ? new String[] {benchmark.getName(), "-foe", "true", "-wi", "0", "-i", "1", "-r", "200ms"}
        : new String[] {benchmark.getName(), "-foe", "true"};
  }
}
