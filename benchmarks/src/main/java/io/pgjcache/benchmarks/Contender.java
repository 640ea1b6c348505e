package io.pgjcache.benchmarks;

import java.util.Map;

/** One way of storing and reading String entries that the load driver measures. Thread-safe. */
public interface Contender extends AutoCloseable {
  /** How the report names it. */
  String name();

  /** The value stored for {@code key}, or null. */
  String get(String key);

  /** Stores {@code value} for {@code key}, inserting or overwriting. */
  void put(String key, String value);

  /** Stores many entries before the measurements start; not measured. */
  void load(Map<String, String> entries);

  @Override
  void close();
}
