package io.pgjcache.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/** Every round's measurement, by operation, thread count and contender, in the order measured. */
final class Results {
  /** One cell of the table: an operation at a thread count. */
  record Cell(Workload workload, int threads) {
    Cell {
      Objects.requireNonNull(workload, "workload");
    }
  }

  private final Map<Cell, Map<String, List<Measurement>>> rounds = new LinkedHashMap<>();

  void add(Workload workload, int threads, String contender, Measurement measured) {
    rounds.computeIfAbsent(new Cell(workload, threads), c -> new LinkedHashMap<>())
        .computeIfAbsent(contender, c -> new ArrayList<>())
        .add(Objects.requireNonNull(measured, "measured"));
  }

  List<Cell> cells() {
    return List.copyOf(rounds.keySet());
  }

  /** The median throughput of {@code contender} in {@code cell}, or NaN if it was not measured. */
  double median(Cell cell, String contender) {
    return median(cell, contender, Measurement::perSecond);
  }

  /** The median of one figure of {@code contender}'s rounds in {@code cell}, or NaN if it was not measured. */
  double median(Cell cell, String contender, ToDoubleFunction<Measurement> figure) {
    List<Measurement> measured = rounds.getOrDefault(cell, Map.of()).get(contender);
    return measured == null ? Double.NaN : median(measured.stream().map(figure::applyAsDouble).toList());
  }

  /** The middle value; the mean of the two middle values when there is an even number of them. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("The median of nothing is undefined");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
