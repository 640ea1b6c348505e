package io.pgjcache.benchmarks;

import java.util.Objects;

/**
 * The four statements a hand-written cache on one table needs, all taking the same parameters whatever the
 * table's layout: a key is one {@code bytea}, a value another, and reads pass the current time in epoch
 * milliseconds so that expired rows are not returned.
 *
 * @param get    {@code (key, now)} → the value
 * @param put    {@code (key, value)}: insert or overwrite, no expiry
 * @param getAll {@code (bytea[] keys, now)} → key and value of each row found
 * @param putAll {@code (bytea[] keys, bytea[] values)}: insert or overwrite each, in array order
 */
public record RawStatements(String get, String put, String getAll, String putAll) {
  public RawStatements {
    Objects.requireNonNull(get, "get");
    Objects.requireNonNull(put, "put");
    Objects.requireNonNull(getAll, "getAll");
    Objects.requireNonNull(putAll, "putAll");
  }
}
