package io.pgjcache.examples.hibernate;

import static io.pgjcache.examples.hibernate.Regions.ACCOUNT;
import static io.pgjcache.examples.hibernate.Regions.AUTHOR;
import static io.pgjcache.examples.hibernate.Regions.AUTHOR_BOOKS;
import static io.pgjcache.examples.hibernate.Regions.BOOK;
import static io.pgjcache.examples.hibernate.Regions.COUNTRY;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two application nodes, each a SessionFactory on a cache manager of its own, on one database: what one
 * node commits is never served stale by the other's second-level cache afterwards, and each node's reads
 * hit entries the other one cached.
 */
class TwoNodesIT {
  @TempDir
  Path directory;

  @Test
  void nodes_haveCacheManagersOfTheirOwn_onTheSameCaches() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");

      assertThat(a.cacheManager()).isNotSameAs(b.cacheManager());
      assertThat(a.cacheManager().getURI()).isNotEqualTo(b.cacheManager().getURI());
      assertThat(a.cacheManager().getURI().getScheme()).isEqualTo("file");
      assertThat(b.cacheManager().getCacheNames()).containsAll(a.cacheManager().getCacheNames());
    }
  }

  @Test
  void entity_updatedOnA_isReadFreshOnB_whichHitsTheCacheBeforeAndAfter() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      long id = Library.author(a, "Ada");
      assertThat(Library.authorName(a, id)).isEqualTo("Ada");
      a.statistics().clear();

      assertThat(Library.authorName(b, id)).as("B reads what A cached").isEqualTo("Ada");
      Delivery.prepare(a, b);
      Library.rename(a, id, "Ada Lovelace");
      Delivery.awaitOnB(a, b); // near caches hear of A's commit through a notification
      assertThat(Library.authorName(b, id)).as("B after A's update").isEqualTo("Ada Lovelace");
      assertThat(Library.authorName(a, id)).isEqualTo("Ada Lovelace");
      assertThat(Library.authorName(b, id)).isEqualTo("Ada Lovelace");

      assertThat(b.statistics().getDomainDataRegionStatistics(AUTHOR).getHitCount()).as("hits on B").isEqualTo(2);
      assertThat(a.statistics().getDomainDataRegionStatistics(AUTHOR).getHitCount()).as("hits on A").isPositive();
      assertThat(a.statistics().getSecondLevelCacheHitCount()).isPositive();
      assertThat(b.statistics().getSecondLevelCacheHitCount()).isPositive();
    }
  }

  @Test
  void collection_changedOnA_isReadFreshOnB() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      long id = Library.authorWithBooks(a, "Ada", "isbn-1");
      assertThat(Library.isbnsOf(a, id)).containsExactly("isbn-1");
      assertThat(Library.isbnsOf(b, id)).containsExactly("isbn-1");
      assertThat(b.statistics().getDomainDataRegionStatistics(AUTHOR_BOOKS).getHitCount()).isEqualTo(1);

      Delivery.prepare(a, b);
      Library.addBook(a, id, "isbn-2");
      Delivery.awaitOnB(a, b); // near caches hear of A's commit through a notification

      assertThat(Library.isbnsOf(b, id)).containsExactlyInAnyOrder("isbn-1", "isbn-2");
      assertThat(Library.isbnsOf(b, id)).containsExactlyInAnyOrder("isbn-1", "isbn-2");
      assertThat(b.statistics().getDomainDataRegionStatistics(AUTHOR_BOOKS).getHitCount()).isEqualTo(2);
    }
  }

  @Test
  void naturalIdAndEntity_cachedOnA_areHitsOnB_andAnUpdateOnA_isFreshOnB() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      Library.authorWithBooks(a, "Ada", "isbn-1");
      assertThat(Library.titleByIsbn(a, "isbn-1")).isEqualTo("Title of isbn-1");

      assertThat(Library.titleByIsbn(b, "isbn-1")).isEqualTo("Title of isbn-1");
      assertThat(b.statistics().getNaturalIdCacheHitCount()).as("natural-id hits on B").isPositive();
      assertThat(b.statistics().getDomainDataRegionStatistics(BOOK).getHitCount()).as("entity hits on B").isPositive();

      Delivery.prepare(a, b);
      Library.retitle(a, "isbn-1", "Title, revised");
      Delivery.awaitOnB(a, b); // near caches hear of A's commit through a notification

      assertThat(Library.titleByIsbn(b, "isbn-1")).isEqualTo("Title, revised");
    }
  }

  @Test
  void queryResults_cachedOnB_areInvalidatedByAnInsertOnA() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      long id = Library.authorWithBooks(a, "Ada", "isbn-1");
      assertThat(Library.titlesLike(b, "Title%")).containsExactly("Title of isbn-1");
      assertThat(Library.titlesLike(a, "Title%")).containsExactly("Title of isbn-1");
      assertThat(a.statistics().getQueryCacheHitCount()).as("A hits the result B cached").isEqualTo(1);

      Delivery.prepare(a, b);
      Library.addBook(a, id, "isbn-2");
      Delivery.awaitOnB(a, b); // near caches hear of A's commit through a notification

      assertThat(Library.titlesLike(b, "Title%")).containsExactly("Title of isbn-1", "Title of isbn-2");
      assertThat(b.statistics().getQueryCacheHitCount()).as("B re-ran the query").isZero();
      assertThat(b.statistics().getUpdateTimestampsCacheHitCount()).as("B saw A's update timestamp").isPositive();
    }
  }

  @Test
  void readOnlyEntity_cachedOnA_isAHitOnB_andADeleteOnA_isSeenOnB() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      Library.countries(a, new Country("NO", "Norway"), new Country("PT", "Portugal"));
      assertThat(Library.countryName(a, "NO")).isEqualTo("Norway");

      assertThat(Library.countryName(b, "NO")).isEqualTo("Norway");
      assertThat(b.statistics().getDomainDataRegionStatistics(COUNTRY).getHitCount()).as("hits on B").isPositive();

      Delivery.prepare(a, b);
      Library.deleteCountry(a, "NO");
      Delivery.awaitOnB(a, b); // near caches hear of A's commit through a notification

      assertThat(Library.countryName(b, "NO")).isNull();
      assertThat(Library.countryName(b, "PT")).isEqualTo("Portugal");
    }
  }

  @Test
  void readWriteEntity_updatedOnA_isReadFreshOnB_whenTheNodesDoNotRace() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      Accounts.open(a, 1L, "ada", 100);
      assertThat(Accounts.balance(b, 1L)).isEqualTo(100);

      Delivery.prepare(a, b);
      Accounts.setBalance(a, 1L, 200);
      Delivery.awaitOnB(a, b); // near caches hear of A's commit through a notification

      assertThat(Accounts.balance(b, 1L)).isEqualTo(200);
      assertThat(Accounts.balance(a, 1L)).isEqualTo(200);
      assertThat(b.statistics().getDomainDataRegionStatistics(ACCOUNT).getHitCount()).isPositive();
    }
  }
}
