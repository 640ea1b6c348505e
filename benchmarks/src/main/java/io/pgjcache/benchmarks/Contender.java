package io.pgjcache.benchmarks;

import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/** One way of storing and reading String entries that the load driver measures. Thread-safe. */
public interface Contender extends AutoCloseable {
  /** Entries per {@link #putAll} call while the key set is prepopulated. */
  int LOAD_BATCH = 500;

  /** How the report names it. */
  String name();

  /** The value stored for {@code key}, or null. */
  String get(String key);

  /** Stores {@code value} for {@code key}, inserting or overwriting. */
  void put(String key, String value);

  /**
   * The values stored for {@code keys}, in one call; keys come sorted, which is the order in which a careful
   * hand-written batch takes its row locks.
   */
  Map<String, String> getAll(SortedSet<String> keys);

  /** Stores every entry in one call, in key order (see {@link #getAll}). */
  void putAll(SortedMap<String, String> entries);

  /** Stores many entries before the measurements start, {@value #LOAD_BATCH} per call; not measured. */
  default void load(Map<String, String> entries) {
    SortedMap<String, String> batch = new TreeMap<>();
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      batch.put(entry.getKey(), entry.getValue());
      if (batch.size() == LOAD_BATCH) {
        putAll(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      putAll(batch);
    }
  }

  @Override
  void close();
}
