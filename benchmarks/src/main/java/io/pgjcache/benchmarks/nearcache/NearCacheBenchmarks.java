package io.pgjcache.benchmarks.nearcache;

import java.util.Properties;

/**
 * Entry point of the near-cache measurements; each prints a Markdown section with its results, the versions and
 * the hardware. From the repository root (nothing needs to be installed first):
 * <pre>
 * mvn -q -Pnearcache -Dnearcache=hits -pl benchmarks -am package -DskipTests          # {@link HitThroughput}
 * mvn -q -Pnearcache -Dnearcache=invalidation -pl benchmarks -am package -DskipTests  # {@link InvalidationLatency}
 * mvn -q -Pnearcache -Dnearcache=write-cost -pl benchmarks -am package -DskipTests    # {@link WriteCost}
 * mvn -q -Pnearcache -Dnearcache=trigger-cost -pl benchmarks -am package -DskipTests  # {@link TriggerCost}
 * mvn -q -Pnearcache -Dnearcache=hit-ratio -pl benchmarks -am package -DskipTests     # {@link HitRatio}
 * mvn -q -Pnearcache -Dnearcache=scaling -pl benchmarks -am package -DskipTests       # {@link ListenerScaling}
 * mvn -q -Pnearcache -Dnearcache=bulk-invalidation -pl benchmarks -am package -DskipTests  # {@link BulkInvalidation}
 * </pre>
 * {@code -Dnearcache.rounds=N} repeats each measurement N times (default 2) and reports medians;
 * {@code -Dnearcache.quick=true} makes a smoke run of a few seconds per measurement, whose numbers mean nothing.
 * The database is the embedded PostgreSQL unless the environment variable {@code PGJCACHE_JDBC_URL} names another
 * server.
 */
public final class NearCacheBenchmarks {
  private NearCacheBenchmarks() {
  }

  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "hits" : args[0];
    String report = switch (which) {
      case "hits" -> HitThroughput.run();
      case "invalidation" -> InvalidationLatency.run();
      case "write-cost" -> WriteCost.run();
      case "trigger-cost" -> TriggerCost.run();
      case "hit-ratio" -> HitRatio.run();
      case "scaling" -> ListenerScaling.run();
      case "bulk-invalidation" -> BulkInvalidation.run();
      default -> throw new IllegalArgumentException("unknown measurement '" + which
          + "'; choose hits, invalidation, write-cost, trigger-cost, hit-ratio, scaling or bulk-invalidation");
    };
    String environment;
    try (Nodes nodes = new Nodes()) {
      nodes.node("environment", new Properties());
      environment = Machine.describe(nodes.dataSource());
    }
    System.out.println();
    System.out.println(report);
    System.out.println(environment);
    System.exit(0);
  }
}
