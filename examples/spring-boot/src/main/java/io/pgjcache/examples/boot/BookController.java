package io.pgjcache.examples.boot;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET}, {@code PUT} and {@code DELETE /books/{isbn}}. */
@RestController
@RequestMapping("/books")
public class BookController {
  private final BookService books;

  public BookController(BookService books) {
    this.books = books;
  }

  @GetMapping("/{isbn}")
  public ResponseEntity<Book> get(@PathVariable String isbn) {
    Book book = books.find(isbn);
    return book == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(book);
  }

  /** Creates or replaces the book; the body's ISBN, if any, is ignored in favour of the path's. */
  @PutMapping("/{isbn}")
  public Book put(@PathVariable String isbn, @RequestBody Book book) {
    return books.save(new Book(isbn, book.title(), book.stock()));
  }

  @DeleteMapping("/{isbn}")
  public ResponseEntity<Void> delete(@PathVariable String isbn) {
    return books.delete(isbn) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
  }
}
