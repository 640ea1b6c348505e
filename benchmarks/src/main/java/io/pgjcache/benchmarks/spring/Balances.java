package io.pgjcache.benchmarks.spring;

import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/** The measured service: a balance per id in a table, cached in {@code balances}, as an application writes it. */
public class Balances {
  static final String CACHE = "balances";

  private final JdbcTemplate jdbc;
  private final String table;

  Balances(JdbcTemplate jdbc, String table) {
    this.jdbc = jdbc;
    this.table = table;
  }

  @Cacheable(cacheNames = CACHE, key = "#p0", sync = true)
  public Long balance(long id) {
    return jdbc.queryForObject("SELECT n FROM " + table + " WHERE id = ?", Long.class, id);
  }

  @Transactional
  @CachePut(cacheNames = CACHE, key = "#p0")
  public Long add(long id, long amount) {
    return jdbc.queryForObject("UPDATE " + table + " SET n = n + ? WHERE id = ? RETURNING n", Long.class, amount, id);
  }
}
