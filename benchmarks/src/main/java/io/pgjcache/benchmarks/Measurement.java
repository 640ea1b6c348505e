package io.pgjcache.benchmarks;

/**
 * One measurement of one contender: its throughput, and the CPU time each operation (each entry, for getAll and
 * putAll) cost in the timed window.
 *
 * @param perSecond     operations, or entries, per second
 * @param clientMicros  this JVM's CPU time per operation: the driver, the contender's own code, pgjdbc, HikariCP
 * @param serverMicros  the PostgreSQL server's, or NaN where it runs elsewhere (see {@link CpuTime})
 * @param neitherMicros the rest of the machine's capacity (every processor for the whole window) per operation: time
 *                      its cores were idle or ran something else; NaN with {@code serverMicros}
 */
record Measurement(double perSecond, double clientMicros, double serverMicros, double neitherMicros) {
  /** The figures of a window of {@code elapsedNanos} with {@code operations} done, from two samples. */
  static Measurement of(long operations, long elapsedNanos, CpuTime.Sample before, CpuTime.Sample after,
      int processors) {
    double perSecond = operations / (elapsedNanos / 1e9);
    double client = (after.clientNanos() - before.clientNanos()) / 1e3 / operations;
    if (before.serverNanos() < 0 || after.serverNanos() < 0) {
      return new Measurement(perSecond, client, Double.NaN, Double.NaN);
    }
    double server = (after.serverNanos() - before.serverNanos()) / 1e3 / operations;
    double capacity = (double) processors * elapsedNanos / 1e3 / operations;
    return new Measurement(perSecond, client, server, capacity - client - server);
  }
}
