package io.pgjcache.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A bookshop whose book lookups are cached in the same PostgreSQL that holds the books. Every instance started
 * on that database shares the cache: a book written through one instance is read from the cache by all.
 *
 * <p>Nothing here is specific to pgjcache: the starter on the class path and {@code @EnableCaching} make the
 * caching annotations of {@link BookService} use PostgreSQL. See {@code application.properties}.
 */
@SpringBootApplication
@EnableCaching
public class BookshopApplication {
  public static void main(String[] args) {
    SpringApplication.run(BookshopApplication.class, args);
  }
}
