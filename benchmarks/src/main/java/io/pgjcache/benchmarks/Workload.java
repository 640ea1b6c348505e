package io.pgjcache.benchmarks;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * An operation mix: single-key gets and puts in some proportion, or batches of keys read or written by one call
 * ({@code getAll}, {@code putAll}), whose throughput counts entries rather than calls.
 */
public enum Workload {
  GET("get", 100, false),
  PUT("put", 0, false),
  MIXED("mixed", 90, false),
  GET_ALL("getall", 100, true),
  PUT_ALL("putall", 0, true);

  private final String id;
  private final int getPercent;
  private final boolean batched;

  Workload(String id, int getPercent, boolean batched) {
    this.id = id;
    this.getPercent = getPercent;
    this.batched = batched;
  }

  /** The name used in {@code bench.workloads}. */
  public String id() {
    return id;
  }

  /** Whether one call reads or writes a batch of keys; such a workload's throughput is in entries/s. */
  public boolean batched() {
    return batched;
  }

  /** How the report names it; {@code batch} is the number of keys per call of a batched workload. */
  public String label(int batch) {
    return switch (this) {
      case GET, PUT -> id;
      case MIXED -> getPercent + "/" + (100 - getPercent) + " get/put";
      case GET_ALL -> "getAll(" + batch + ")";
      case PUT_ALL -> "putAll(" + batch + ")";
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
