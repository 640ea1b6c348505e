package io.pgjcache.examples.boot;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The books table; knows nothing about caching. */
@Repository
public class BookRepository {
  private final JdbcTemplate sql;

  public BookRepository(JdbcTemplate sql) {
    this.sql = sql;
  }

  /** The book, or null when there is none. */
  public Book find(String isbn) {
    List<Book> books = sql.query("SELECT isbn, title, stock FROM books WHERE isbn = ?",
        (row, n) -> new Book(row.getString("isbn"), row.getString("title"), row.getInt("stock")), isbn);
    return books.isEmpty() ? null : books.get(0);
  }

  public void save(Book book) {
    sql.update("INSERT INTO books (isbn, title, stock) VALUES (?, ?, ?)"
        + " ON CONFLICT (isbn) DO UPDATE SET title = excluded.title, stock = excluded.stock",
        book.isbn(), book.title(), book.stock());
  }

  public boolean delete(String isbn) {
    return sql.update("DELETE FROM books WHERE isbn = ?", isbn) > 0;
  }
}
