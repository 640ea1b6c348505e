package io.pgjcache.examples.boot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Books, cached in the "books" cache by ISBN. Writes run in a transaction; the starter makes the cache
 * transaction-aware, so the cache changes only once the row change has committed.
 */
@Service
public class BookService {
  private static final Logger LOG = LoggerFactory.getLogger(BookService.class);

  private final BookRepository books;

  public BookService(BookRepository books) {
    this.books = books;
  }

  /** Reads the table only when no instance has cached the book. An unknown ISBN is cached as absent too. */
  @Cacheable(cacheNames = "books", key = "#isbn")
  public Book find(String isbn) {
    LOG.debug("Loading book {} from the table", isbn);
    return books.find(isbn);
  }

  @Transactional
  @CachePut(cacheNames = "books", key = "#book.isbn")
  public Book save(Book book) {
    books.save(book);
    return book;
  }

  @Transactional
  @CacheEvict(cacheNames = "books", key = "#isbn")
  public boolean delete(String isbn) {
    return books.delete(isbn);
  }
}
