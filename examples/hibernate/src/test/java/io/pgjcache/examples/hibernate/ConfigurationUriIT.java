package io.pgjcache.examples.hibernate;

import static io.pgjcache.examples.hibernate.HibernateNode.CACHE_CONFIG_URI;
import static io.pgjcache.examples.hibernate.Regions.BOOK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hibernate.javax.cache.uri} as applications write it: Hibernate turns a class path resource
 * ({@code classpath://name} or a plain {@code name}) into the resource's {@code file:} or {@code jar:} URL before
 * the provider sees it, and one URL is one manager.
 */
class ConfigurationUriIT {
  /** The schema named in the example's own pgjcache-node-*.properties files. */
  private static final String EXAMPLE_SCHEMA = "hibernate_cache";

  @TempDir
  Path directory;

  @BeforeEach
  @AfterEach
  void dropTheExampleSchema() throws SQLException {
    try (Connection connection = Nodes.applicationDataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + EXAMPLE_SCHEMA + " CASCADE");
    }
  }

  @Test
  void classPathResources_giveEachNodeAManagerOfItsOwn_withTheRegionSettingsOfItsFile() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      HibernateNode a = nodes.start("node-a", Map.of(CACHE_CONFIG_URI, "classpath://pgjcache-node-a.properties"));
      HibernateNode b = nodes.start("node-b", Map.of(CACHE_CONFIG_URI, "pgjcache-node-b.properties"));

      assertThat(a.cacheManager().getURI().getScheme()).isIn("file", "jar");
      assertThat(a.cacheManager().getURI().toString()).endsWith("pgjcache-node-a.properties");
      assertThat(b.cacheManager().getURI().toString()).endsWith("pgjcache-node-b.properties");
      assertThat(a.cacheManager()).isNotSameAs(b.cacheManager());
      @SuppressWarnings("unchecked")
      CompleteConfiguration<Object, Object> book = b.cacheManager().getCache(BOOK)
          .getConfiguration(CompleteConfiguration.class);
      assertThat(book.getExpiryPolicyFactory().create().getExpiryForCreation())
          .isEqualTo(new Duration(TimeUnit.MINUTES, 10));

      Library.authorWithBooks(a, "Ada", "isbn-1");
      assertThat(Library.titleByIsbn(a, "isbn-1")).isEqualTo("Title of isbn-1");
      assertThat(Library.titleByIsbn(b, "isbn-1")).isEqualTo("Title of isbn-1");
      assertThat(b.statistics().getSecondLevelCacheHitCount()).isPositive();
    }
  }

  @Test
  void classpathWithASingleColon_isNotAResourceHibernateFinds() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      assertThatThrownBy(() -> nodes.start("node-a", Map.of(CACHE_CONFIG_URI, "classpath:pgjcache-node-a.properties")))
          .hasStackTraceContaining("Couldn't load URI from classpath:pgjcache-node-a.properties");
    }
  }

  @Test
  void oneUri_isOneCacheManager_whichClosesWithTheFirstSessionFactoryClosed() {
    try (Nodes nodes = Nodes.in(directory).build()) {
      String sameFile = nodes.configFile("shared").toUri().toString();
      HibernateNode a = nodes.start("node-a", Map.of(CACHE_CONFIG_URI, sameFile));
      HibernateNode b = nodes.start("node-b", Map.of(CACHE_CONFIG_URI, sameFile));

      assertThat(a.cacheManager()).isSameAs(b.cacheManager());
      var shared = a.cacheManager();
      a.close();
      assertThat(shared.isClosed()).as("B's cache manager, closed with A's SessionFactory").isTrue();
    }
  }
}
