package io.pgjcache.spring;

import java.util.Objects;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * An application service whose counters live in a table of the application and in the cache {@code counters}: the
 * usual {@code @Cacheable} read and {@code @Transactional} {@code @CachePut} writes. Each transaction first passes
 * the {@link AfterCommitGate}.
 */
public class Counters {
  static final String CACHE = "counters";

  private final JdbcTemplate jdbc;
  private final String table;
  private final AfterCommitGate gate;
  private final CacheManager cacheManager;

  Counters(JdbcTemplate jdbc, String table, AfterCommitGate gate, CacheManager cacheManager) {
    this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    this.table = Objects.requireNonNull(table, "table");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.cacheManager = Objects.requireNonNull(cacheManager, "cacheManager");
  }

  /** A read through the cache; a miss loads and puts atomically (one locked step of the key, on every instance). */
  @Cacheable(cacheNames = CACHE, key = "#p0", sync = true)
  public Long value(long id) {
    return valueInDatabase(id);
  }

  public Long valueInDatabase(long id) {
    return jdbc.queryForObject("SELECT n FROM " + table + " WHERE id = ?", Long.class, id);
  }

  public void create(long id, long n) {
    jdbc.update("INSERT INTO " + table + " (id, n) VALUES (?, ?)", id, n);
  }

  @Transactional
  @CachePut(cacheNames = CACHE, key = "#p0")
  public Long set(long id, long n) {
    gate.holdAfterCommitIfArmed();
    jdbc.update("UPDATE " + table + " SET n = ? WHERE id = ?", n, id);
    return n;
  }

  @Transactional
  @CachePut(cacheNames = CACHE, key = "#p0")
  public Long increment(long id) {
    gate.holdAfterCommitIfArmed();
    return jdbc.queryForObject("UPDATE " + table + " SET n = n + 1 WHERE id = ? RETURNING n", Long.class, id);
  }

  /** Updates the counter and caches the new value, then fails: the transaction rolls back. */
  @Transactional
  public void setThenFail(long id, long n) {
    jdbc.update("UPDATE " + table + " SET n = ? WHERE id = ?", n, id);
    cacheManager.getCache(CACHE).put(id, n);
    throw new IllegalStateException("fails after the update, so it rolls back");
  }
}
