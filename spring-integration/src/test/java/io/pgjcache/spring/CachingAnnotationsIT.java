package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * Spring's caching annotations on a repository whose rows live in the same PostgreSQL as the cache, with
 * Boot's transaction manager: transaction-aware caches apply puts and evictions only when the transaction
 * commits.
 */
class CachingAnnotationsIT {
  private static final String CACHE_SCHEMA = TestDatabase.freshSchema();
  private static final String APP_SCHEMA = TestDatabase.freshSchema();

  private static ConfigurableApplicationContext context;
  private static BookRepository books;
  private static Librarian librarian;
  private static javax.cache.Cache<Object, Object> cached;

  @BeforeAll
  static void start() {
    context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
        .properties("pgjcache.schema=" + CACHE_SCHEMA, "pgjcache.jdbc.url=", "spring.cache.cache-names=books")
        .run();
    books = context.getBean(BookRepository.class);
    librarian = context.getBean(Librarian.class);
    cached = context.getBean(javax.cache.CacheManager.class).getCache("books");
    JdbcTemplate sql = context.getBean(JdbcTemplate.class);
    sql.execute("CREATE SCHEMA " + APP_SCHEMA);
    sql.execute("CREATE TABLE " + APP_SCHEMA + ".books (id bigint PRIMARY KEY, title text NOT NULL)");
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  @BeforeEach
  void freshRowsAndEmptyCache() {
    JdbcTemplate sql = context.getBean(JdbcTemplate.class);
    sql.update("DELETE FROM " + APP_SCHEMA + ".books");
    sql.update("INSERT INTO " + APP_SCHEMA + ".books VALUES (1, 'Dune'), (2, 'Emma')");
    cached.removeAll();
    books.resetLoads();
  }

  @Test
  void cacheable_readsTheDatabaseOnce_thenServesFromTheCache() {
    assertThat(books.title(1)).isEqualTo("Dune");
    assertThat(books.title(1)).isEqualTo("Dune");
    assertThat(books.loads()).isEqualTo(1);
    assertThat(cached.get(1L)).isEqualTo("Dune");
  }

  @Test
  void cachePut_replacesTheCachedValue_soTheNextReadNeedsNoLoad() {
    books.title(1);
    books.rename(1, "Dune Messiah");
    assertThat(books.title(1)).isEqualTo("Dune Messiah");
    assertThat(books.loads()).isEqualTo(1);
  }

  @Test
  void cacheEvict_removesThatEntry_andAllEntriesRemovesEveryEntry() {
    books.title(1);
    books.title(2);
    books.delete(1);
    assertThat(cached.containsKey(1L)).isFalse();
    assertThat(cached.containsKey(2L)).isTrue();
    books.forgetAll();
    assertThat(cached.containsKey(2L)).isFalse();
    assertThat(books.title(2)).isEqualTo("Emma");
    assertThat(books.loads()).isEqualTo(3);
  }

  @Test
  void cacheableSync_loadsOnce_whenCallersMissTogether() throws Exception {
    int callers = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(pool.submit((Callable<String>) () -> {
          start.await();
          return books.slowTitle(1);
        }));
      }
      start.countDown();
      for (Future<String> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("Dune");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(books.loads()).isEqualTo(1);
  }

  @Test
  void evictionInARolledBackTransaction_leavesTheCacheAsItWas() {
    books.title(1);
    assertThatThrownBy(() -> librarian.deleteThenFail(1)).isInstanceOf(IllegalStateException.class);
    assertThat(cached.get(1L)).isEqualTo("Dune");
    assertThat(books.title(1)).isEqualTo("Dune");
    assertThat(books.loads()).isEqualTo(1);
  }

  @Test
  void cachePutInARolledBackTransaction_leavesTheCacheAsItWas() {
    books.title(1);
    assertThatThrownBy(() -> librarian.renameThenFail(1, "Dune Messiah")).isInstanceOf(IllegalStateException.class);
    assertThat(cached.get(1L)).isEqualTo("Dune");
    assertThat(books.title(1)).isEqualTo("Dune");
  }

  @Test
  void evictionInACommittedTransaction_happensWhenItCommits() {
    books.title(1);
    boolean cachedBeforeCommit = librarian.deleteAndLookAtCache(1);
    assertThat(cachedBeforeCommit).as("entry still cached inside the transaction").isTrue();
    assertThat(cached.containsKey(1L)).as("entry cached after the commit").isFalse();
    assertThat(books.title(1)).isNull();
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
      JdbcTemplateAutoConfiguration.class})
  @EnableCaching
  static class Application {
    @Bean
    DataSource dataSource() {
      return TestDatabase.dataSource();
    }

    @Bean
    BookRepository bookRepository(JdbcTemplate sql) {
      return new BookRepository(sql);
    }

    @Bean
    Librarian librarian(BookRepository books, javax.cache.CacheManager cacheManager) {
      return new Librarian(books, cacheManager);
    }
  }

  /** Titles by id, cached in "books"; {@code loads} counts the reads that reached the table. */
  static class BookRepository {
    private final AtomicInteger loads = new AtomicInteger();
    private final JdbcTemplate sql;

    BookRepository(JdbcTemplate sql) {
      this.sql = sql;
    }

    @Cacheable("books")
    public String title(long id) {
      return load(id);
    }

    /** A slow load, so that concurrent callers really miss together. */
    @Cacheable(cacheNames = "books", sync = true)
    public String slowTitle(long id) throws InterruptedException {
      Thread.sleep(300);
      return load(id);
    }

    @CachePut(cacheNames = "books", key = "#p0")
    public String rename(long id, String title) {
      sql.update("UPDATE " + APP_SCHEMA + ".books SET title = ? WHERE id = ?", title, id);
      return title;
    }

    @CacheEvict("books")
    public void delete(long id) {
      sql.update("DELETE FROM " + APP_SCHEMA + ".books WHERE id = ?", id);
    }

    @CacheEvict(cacheNames = "books", allEntries = true)
    public void forgetAll() {
    }

    public int loads() {
      return loads.get();
    }

    public void resetLoads() {
      loads.set(0);
    }

    private String load(long id) {
      loads.incrementAndGet();
      List<String> titles =
          sql.queryForList("SELECT title FROM " + APP_SCHEMA + ".books WHERE id = ?", String.class, id);
      return titles.isEmpty() ? null : titles.get(0);
    }
  }

  /** Transactions around the repository. */
  static class Librarian {
    private final BookRepository books;
    private final javax.cache.CacheManager cacheManager;

    Librarian(BookRepository books, javax.cache.CacheManager cacheManager) {
      this.books = books;
      this.cacheManager = cacheManager;
    }

    @Transactional
    public void deleteThenFail(long id) {
      books.delete(id);
      throw new IllegalStateException("rolled back after the delete");
    }

    @Transactional
    public void renameThenFail(long id, String title) {
      books.rename(id, title);
      throw new IllegalStateException("rolled back after the rename");
    }

    /** Deletes, then tells whether the entry is still in the cache before the transaction commits. */
    @Transactional
    public boolean deleteAndLookAtCache(long id) {
      books.delete(id);
      return cacheManager.getCache("books").containsKey(id);
    }
  }
}
