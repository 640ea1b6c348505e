package io.pgjcache.benchmarks;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/** An operation mix: which share of the operations are gets, the rest being puts. */
public enum Workload {
  GET("get", 100),
  PUT("put", 0),
  MIXED("mixed", 90);

  private final String id;
  private final int getPercent;

  Workload(String id, int getPercent) {
    this.id = id;
    this.getPercent = getPercent;
  }

  /** The name used in {@code bench.workloads}. */
  public String id() {
    return id;
  }

  /** How the report names it. */
  public String label() {
    return switch (this) {
      case GET, PUT -> id;
      case MIXED -> getPercent + "/" + (100 - getPercent) + " get/put";
    };
  }

  /** Whether the next operation is a get; pure workloads never consult the generator. */
  public boolean nextIsGet(RandomGenerator random) {
    return getPercent == 100 || getPercent != 0 && random.nextInt(100) < getPercent;
  }

  static Workload named(String id) {
    return Arrays.stream(values()).filter(w -> w.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown workload '" + id + "'; expected one of "
            + Arrays.stream(values()).map(Workload::id).collect(Collectors.joining(", "))));
  }
}
