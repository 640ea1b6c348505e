package io.pgjcache;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.store.Identifiers;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Tables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code <schema>.cache_stats} tells an operator, in SQL, what every cache of the cluster holds. */
class CacheStatsViewIT {
  private static final long HOUR = 3_600_000;

  private Cluster cluster;

  @BeforeEach
  void start() {
    // No sweeper: rows made expired below must stay in the table to be counted.
    Properties noSweeper = new Properties();
    noSweeper.setProperty("pgjcache.sweep.interval", "PT0S");
    cluster = Cluster.of(1, noSweeper);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  private static void fill(Cache<String, String> cache, int entries) {
    Map<String, String> rows = new HashMap<>();
    for (int i = 0; i < entries; i++) {
      rows.put("k" + i, "v".repeat(i));
    }
    cache.putAll(rows);
  }

  @Test
  void expiryAndSizeFigures_matchTheTables() {
    Cache<String, String> eternal = cluster.cache("stats-eternal", strings()).get(0);
    Cache<String, String> expiring = cluster.cache("stats-expiring",
        strings().setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_HOUR))).get(0);
    long before = System.currentTimeMillis();
    fill(eternal, 50);
    fill(expiring, 20);
    long after = System.currentTimeMillis();
    cluster.execute("UPDATE " + Tables.tableName(expiring) + " SET expires_at = 1 WHERE key_digest IN (SELECT"
        + " key_digest FROM " + Tables.tableName(expiring) + " ORDER BY key_digest LIMIT 7)");

    Row eternalRow = row("stats-eternal");
    assertThat(sameTable(eternalRow.table(), Tables.tableName(eternal))).isTrue();
    assertThat(eternalRow.unlogged()).isTrue();
    assertThat(eternalRow.expired()).isZero();
    assertThat(eternalRow.nextExpiry()).isNull();
    assertSizes(eternalRow, Tables.tableName(eternal));

    Row expiringRow = row("stats-expiring");
    assertThat(expiringRow.expired()).isEqualTo(7);
    // The view reads the server's clock, the cache the client's: both are this machine's here.
    assertThat(expiringRow.nextExpiry().getTime()).isBetween(before + HOUR - 1_000, after + HOUR + 1_000);
    assertSizes(expiringRow, Tables.tableName(expiring));
  }

  @Test
  void entryEstimatesAndWrites_followTheTables() {
    Cache<String, String> cache = cluster.cache("stats-estimates", strings()).get(0);
    fill(cache, 40);
    cache.remove("k0");
    // Cumulative statistics reach the view when the writing sessions flush them (within seconds when idle).
    await().atMost(60, SECONDS).pollInterval(200, MILLISECONDS)
        .until(() -> row("stats-estimates").entriesEstimate() == 39);
    assertThat(row("stats-estimates").writes()).isGreaterThanOrEqualTo(41);
  }

  @Test
  void cacheNamesOfAnyCharacters_andTablesAnOperatorDropped_areListed() {
    String hostile = "o'k\". \\ ;DROP";
    Cache<String, String> cache = cluster.cache(hostile, strings()).get(0);
    cache.put("a", "b");
    assertThat(sameTable(row(hostile).table(), Tables.tableName(cache))).isTrue();

    cluster.execute("DROP TABLE " + Tables.tableName(cache));
    Row dropped = row(hostile);
    assertThat(dropped.table()).as("still names the missing table").isNotNull();
    assertThat(dropped.totalBytes()).isNull();
    assertThat(dropped.expired()).isNull();
  }

  private void assertSizes(Row row, String table) {
    long total = query("SELECT pg_total_relation_size(to_regclass(?))", table);
    long heap = query("SELECT pg_relation_size(to_regclass(?))", table);
    long indexes = query("SELECT pg_indexes_size(to_regclass(?))", table);
    assertThat(row.totalBytes()).isEqualTo(total).isPositive();
    assertThat(row.tableBytes()).isEqualTo(heap);
    assertThat(row.indexBytes()).isEqualTo(indexes).isPositive();
    assertThat(row.tableBytes() + row.indexBytes() + row.toastBytes()).isEqualTo(total);
  }

  /** Whether two names, each quoted as PostgreSQL accepts it, denote the same existing table. */
  private boolean sameTable(String one, String other) {
    return query("SELECT (to_regclass(?) = to_regclass(?))::int", one, other) == 1;
  }

  private long query(String sql, String... tables) {
    try (Connection c = cluster.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < tables.length; i++) {
        ps.setString(i + 1, tables[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Row(String table, boolean unlogged, Long entriesEstimate, Long expired, Timestamp nextExpiry,
      Long totalBytes, Long tableBytes, Long indexBytes, Long toastBytes, Long writes) {
  }

  private Row row(String cacheName) {
    String sql = "SELECT table_name, unlogged, entries_estimate, expired_entries, next_expiry, total_bytes,"
        + " table_bytes, index_bytes, toast_bytes, writes FROM "
        + Identifiers.qualified(cluster.schema(), "cache_stats") + " WHERE cache_name = ?";
    try (Connection c = cluster.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, cacheName);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a row for cache '%s'", cacheName).isTrue();
        Row row = new Row(rs.getString(1), rs.getBoolean(2), (Long) rs.getObject(3), (Long) rs.getObject(4),
            rs.getTimestamp(5), (Long) rs.getObject(6), (Long) rs.getObject(7), (Long) rs.getObject(8),
            (Long) rs.getObject(9), (Long) rs.getObject(10));
        assertThat(rs.next()).isFalse();
        return row;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
