package io.pgjcache.benchmarks;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Another contender storing, for each String value the load runner hands over, a prepared replacement: the raw
 * JDBC reference stores a DTO's JSON text where pgjcache stores the DTO, so both move the same bytes.
 */
final class MappedValuesContender implements Contender {
  private final Contender delegate;
  private final Map<String, String> replacements;

  MappedValuesContender(Contender delegate, Map<String, String> replacements) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.replacements = Map.copyOf(replacements);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public String get(String key) {
    return delegate.get(key);
  }

  @Override
  public void put(String key, String value) {
    delegate.put(key, replacement(value));
  }

  @Override
  public Map<String, String> getAll(SortedSet<String> keys) {
    return delegate.getAll(keys);
  }

  @Override
  public void putAll(SortedMap<String, String> entries) {
    SortedMap<String, String> replaced = new TreeMap<>();
    entries.forEach((key, value) -> replaced.put(key, replacement(value)));
    delegate.putAll(replaced);
  }

  private String replacement(String value) {
    String replacement = replacements.get(value);
    if (replacement == null) {
      throw new IllegalArgumentException("No replacement prepared for the value " + value);
    }
    return replacement;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
