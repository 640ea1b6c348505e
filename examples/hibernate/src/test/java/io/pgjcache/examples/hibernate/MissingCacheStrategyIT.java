package io.pgjcache.examples.hibernate;

import static io.pgjcache.examples.hibernate.Regions.BOOK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.PgCacheConfiguration;
import io.pgjcache.PgCachingProvider;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code hibernate.javax.cache.missing_cache_strategy}: regions created on the fly, or caches made beforehand. */
class MissingCacheStrategyIT {
  private static final String STRATEGY = "hibernate.javax.cache.missing_cache_strategy";

  @TempDir
  Path directory;

  @ParameterizedTest
  @ValueSource(strings = {"create", "create-warn"})
  void missingRegions_areCreated_withTheSettingsOfThePgjcacheFile(String strategy) {
    try (Nodes nodes = Nodes.in(directory).cacheSetting(Regions.timeToLive(BOOK), "PT10M").build()) {
      HibernateNode node = nodes.start("node-a", Map.of(STRATEGY, strategy));

      assertThat(node.cacheManager().getCacheNames()).containsAll(Regions.ALL);
      assertThat(configurationOf(node.cacheManager(), BOOK).getExpiryPolicyFactory().create().getExpiryForUpdate())
          .isEqualTo(new Duration(TimeUnit.MINUTES, 10));
      assertSecondReadOfABookHitsTheCache(node);
    }
  }

  @Test
  void cachesCreatedThroughJCacheBeforehand_areTheOnesHibernateUses() throws Exception {
    try (Nodes nodes = Nodes.in(directory).build()) {
      // Hibernate resolves the configured name to a URL and asks the provider for the manager of that URL,
      // on the provider's default class loader: the same arguments give the same manager.
      URI managerUri = new URL(nodes.configFile("node-a").toUri().toString()).toURI();
      CachingProvider provider = Caching.getCachingProvider(PgCachingProvider.class.getName());
      CacheManager manager = provider.getCacheManager(managerUri, provider.getDefaultClassLoader());
      for (String region : Regions.ALL) {
        manager.createCache(region, new PgCacheConfiguration<>().setUnlogged(!region.equals(BOOK)));
      }
      manager.createCache("unused", new PgCacheConfiguration<>()
          .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(Duration.ONE_HOUR)));

      HibernateNode node = nodes.start("node-a", Map.of(STRATEGY, "fail"));

      assertThat(node.cacheManager()).isSameAs(manager);
      assertThat(node.cacheManager().getCache(BOOK).getConfiguration(PgCacheConfiguration.class).isUnlogged())
          .as("the Book cache keeps its logged table").isFalse();
      assertSecondReadOfABookHitsTheCache(node);
    }
  }

  @Test
  void startFails_whenARegionHasNoCache_andTheStrategyIsFail() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      assertThatThrownBy(() -> nodes.start("node-a", Map.of(STRATEGY, "fail")))
          .hasStackTraceContaining("On-the-fly creation of JCache Cache objects is not supported");
    }
  }

  @Test
  void secondNode_findsTheCachesTheFirstCreated_evenWhenItsStrategyIsFail() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode a = nodes.start("node-a", Map.of(STRATEGY, "create"));
      HibernateNode b = nodes.start("node-b", Map.of(STRATEGY, "fail"));

      assertThat(b.cacheManager().getCacheNames()).containsAll(Regions.ALL);
      assertThat(a.cacheManager()).isNotSameAs(b.cacheManager());
    }
  }

  @SuppressWarnings("unchecked")
  private static CompleteConfiguration<Object, Object> configurationOf(CacheManager manager, String cacheName) {
    return manager.getCache(cacheName).getConfiguration(CompleteConfiguration.class);
  }

  /** Stores a book, then reads it twice: the second read is the Book region's one hit. */
  private static void assertSecondReadOfABookHitsTheCache(HibernateNode node) {
    Library.authorWithBooks(node, "Ada", "isbn-1");
    long bookId = Library.bookId(node, "isbn-1");
    Library.title(node, bookId);
    Library.title(node, bookId);
    assertThat(node.statistics().getDomainDataRegionStatistics(BOOK).getHitCount()).isEqualTo(1);
  }
}
