package io.pgjcache.examples.hibernate;

import static io.pgjcache.examples.hibernate.Regions.AUTHOR;
import static io.pgjcache.examples.hibernate.Regions.AUTHOR_BOOKS;
import static io.pgjcache.examples.hibernate.Regions.BOOK;
import static io.pgjcache.examples.hibernate.Regions.BOOK_NATURAL_ID;
import static io.pgjcache.examples.hibernate.Regions.QUERY_RESULTS;
import static io.pgjcache.examples.hibernate.Regions.UPDATE_TIMESTAMPS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.PgCache;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import org.hibernate.stat.CacheRegionStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entity, collection, natural-id and query caching on one node, and per-region settings from the pgjcache file. */
class SecondLevelCacheIT {
  @TempDir
  Path directory;

  @Test
  void entity_isReadFromItsPgjcacheCache_inALaterSession() throws SQLException {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode node = nodes.start("node-a");
      long id = Library.author(node, "Ada");
      node.statistics().clear();

      assertThat(Library.authorName(node, id)).isEqualTo("Ada");
      assertThat(Library.authorName(node, id)).isEqualTo("Ada");

      CacheRegionStatistics region = node.statistics().getDomainDataRegionStatistics(AUTHOR);
      assertThat(region.getMissCount()).as("misses").isEqualTo(1);
      assertThat(region.getPutCount()).as("puts").isEqualTo(1);
      assertThat(region.getHitCount()).as("hits").isEqualTo(1);
      PgCache<?, ?> cache = node.cacheManager().getCache(AUTHOR).unwrap(PgCache.class);
      assertThat(cache.size()).isEqualTo(1);

      // The entry lives in PostgreSQL: with its row gone, a read misses once the node has heard of the delete.
      // Until the delete's notification arrives, the node may still serve its near-cached copy (a hit), so
      // read until the miss rather than expecting it on the very next read.
      try (Connection connection = Nodes.applicationDataSource().getConnection();
          Statement statement = connection.createStatement()) {
        statement.executeUpdate("DELETE FROM " + cache.getTableName());
      }
      await("a miss once the delete was heard").atMost(Duration.ofSeconds(10)).until(() -> {
        Library.authorName(node, id);
        return region.getMissCount() == 2;
      });
      assertThat(region.getMissCount()).as("misses after the rows were deleted").isEqualTo(2);
    }
  }

  @Test
  void collection_isReadFromTheCache_inALaterSession() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode node = nodes.start("node-a");
      long id = Library.authorWithBooks(node, "Ada", "isbn-1", "isbn-2");
      node.statistics().clear();

      assertThat(Library.isbnsOf(node, id)).containsExactlyInAnyOrder("isbn-1", "isbn-2");
      assertThat(Library.isbnsOf(node, id)).containsExactlyInAnyOrder("isbn-1", "isbn-2");

      CacheRegionStatistics region = node.statistics().getDomainDataRegionStatistics(AUTHOR_BOOKS);
      assertThat(region.getPutCount()).as("puts").isEqualTo(1);
      assertThat(region.getHitCount()).as("hits").isEqualTo(1);
    }
  }

  @Test
  void naturalId_isResolvedFromTheCache() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode node = nodes.start("node-a");
      Library.authorWithBooks(node, "Ada", "isbn-1");
      node.statistics().clear();

      assertThat(Library.titleByIsbn(node, "isbn-1")).isEqualTo("Title of isbn-1");
      assertThat(Library.titleByIsbn(node, "isbn-1")).isEqualTo("Title of isbn-1");

      assertThat(node.statistics().getNaturalIdCacheHitCount()).as("natural-id hits").isPositive();
      assertThat(node.statistics().getDomainDataRegionStatistics(BOOK_NATURAL_ID).getHitCount()).isPositive();
      assertThat(node.cacheManager().getCache(BOOK_NATURAL_ID).unwrap(PgCache.class).size()).isEqualTo(1);
    }
  }

  @Test
  void queryResults_areCached_andAnUpdateOfTheirTableInvalidatesThem() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode node = nodes.start("node-a");
      Library.authorWithBooks(node, "Ada", "isbn-1", "isbn-2");
      node.statistics().clear();

      assertThat(Library.titlesLike(node, "Title%")).containsExactly("Title of isbn-1", "Title of isbn-2");
      assertThat(Library.titlesLike(node, "Title%")).containsExactly("Title of isbn-1", "Title of isbn-2");
      assertThat(node.statistics().getQueryCachePutCount()).as("query puts").isEqualTo(1);
      assertThat(node.statistics().getQueryCacheHitCount()).as("query hits").isEqualTo(1);

      Library.retitle(node, "isbn-2", "Title, revised");

      assertThat(Library.titlesLike(node, "Title%")).containsExactly("Title of isbn-1", "Title, revised");
      assertThat(node.statistics().getQueryCacheHitCount()).as("query hits after the update").isEqualTo(1);
      assertThat(node.cacheManager().getCache(UPDATE_TIMESTAMPS).unwrap(PgCache.class).size())
          .as("update timestamps").isPositive();
    }
  }

  @Test
  void regionTimeToLive_fromThePgjcacheFile_expiresItsEntries() {
    try (Nodes nodes = Nodes.in(directory).cacheSetting(Regions.timeToLive(BOOK), "PT1S").build()) {
      HibernateNode node = nodes.start("node-a");
      Library.authorWithBooks(node, "Ada", "isbn-1");
      long bookId = Library.bookId(node, "isbn-1");
      assertThat(expiryPolicy(node.cacheManager().getCache(BOOK)).getExpiryForCreation())
          .isEqualTo(new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 1000));
      assertThat(expiryPolicy(node.cacheManager().getCache(AUTHOR))).isInstanceOf(EternalExpiryPolicy.class);
      node.statistics().clear();
      CacheRegionStatistics region = node.statistics().getDomainDataRegionStatistics(BOOK);

      Library.title(node, bookId);
      Library.title(node, bookId);
      assertThat(region.getHitCount()).isEqualTo(1);

      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        long missesBefore = region.getMissCount();
        Library.title(node, bookId);
        assertThat(region.getMissCount()).as("a miss once the entry has expired").isGreaterThan(missesBefore);
      });
    }
  }

  @Test
  void queryCache_staysCorrect_whenThePgjcacheFileGivesTheUpdateTimestampsRegionATimeToLive() throws SQLException {
    try (Nodes nodes = Nodes.in(directory).cacheSetting(Regions.timeToLive(UPDATE_TIMESTAMPS), "PT0.5S").build()) {
      HibernateNode node = nodes.start("node-a");
      Library.authorWithBooks(node, "Ada", "isbn-1");
      assertThat(Library.titlesLike(node, "Title%")).containsExactly("Title of isbn-1");
      Library.retitle(node, "isbn-1", "Title, revised");

      // Had the timestamp of the update been given the time to live, it would expire and Hibernate would then take
      // the cached result as current. Rather than waiting for that, look at what PostgreSQL holds: every stored
      // update timestamp is eternal (expires_at NULL), so nothing of it can ever expire.
      String timestamps = node.cacheManager().getCache(UPDATE_TIMESTAMPS).unwrap(PgCache.class).getTableName();
      try (Connection connection = Nodes.applicationDataSource().getConnection();
          Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT count(*), count(expires_at) FROM " + timestamps)) {
        rs.next();
        assertThat(rs.getLong(1)).as("update timestamps stored").isPositive();
        assertThat(rs.getLong(2)).as("update timestamps that expire").isZero();
      }

      assertThat(Library.titlesLike(node, "Title%")).containsExactly("Title, revised");
      assertThat(expiryPolicy(node.cacheManager().getCache(UPDATE_TIMESTAMPS))).isInstanceOf(EternalExpiryPolicy.class);
      assertThat(expiryPolicy(node.cacheManager().getCache(QUERY_RESULTS))).isInstanceOf(EternalExpiryPolicy.class);
    }
  }

  @Test
  void everyRegion_isAPgjcacheCacheNamedAfterIt() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode node = nodes.start("node-a");

      assertThat(node.cacheManager().getCacheNames()).containsAll(Regions.ALL);
    }
  }

  private static ExpiryPolicy expiryPolicy(Cache<Object, Object> cache) {
    @SuppressWarnings("unchecked")
    CompleteConfiguration<Object, Object> configuration = cache.getConfiguration(CompleteConfiguration.class);
    return configuration.getExpiryPolicyFactory().create();
  }
}
