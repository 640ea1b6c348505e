package io.pgjcache.benchmarks;

import io.pgjcache.PgCache;
import io.pgjcache.benchmarks.codec.CodecBenchmark.Order;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import javax.cache.Cache;

/**
 * pgjcache holding DTOs, as an application caches its objects: each String value the load runner hands over stands
 * for one prepared {@link Order} (made before the run, so building DTOs is not measured), and a get answers with the
 * order's customer, so that every read value is decoded in full.
 */
final class DtoContender implements Contender {
  private final String name;
  private final Cache<String, Order> cache;
  private final Map<String, Order> orders;

  /** @param orders the DTO each value string stands for */
  DtoContender(String name, Cache<String, Order> cache, Map<String, Order> orders) {
    this.name = Objects.requireNonNull(name, "name");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.orders = Map.copyOf(orders);
  }

  /** The quoted, schema-qualified table that holds the entries. */
  String tableName() {
    return cache.unwrap(PgCache.class).getTableName();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String get(String key) {
    Order order = cache.get(key);
    return order == null ? null : order.customer();
  }

  @Override
  public void put(String key, String value) {
    cache.put(key, order(value));
  }

  @Override
  public Map<String, String> getAll(SortedSet<String> keys) {
    Map<String, String> customers = new LinkedHashMap<>();
    cache.getAll(keys).forEach((key, order) -> customers.put(key, order.customer()));
    return customers;
  }

  @Override
  public void putAll(SortedMap<String, String> entries) {
    Map<String, Order> batch = new LinkedHashMap<>();
    entries.forEach((key, value) -> batch.put(key, order(value)));
    cache.putAll(batch);
  }

  private Order order(String value) {
    Order order = orders.get(value);
    if (order == null) {
      throw new IllegalArgumentException("No DTO prepared for the value " + value);
    }
    return order;
  }

  @Override
  public void close() {
    // The cache belongs to its manager, which the driver closes.
  }
}
