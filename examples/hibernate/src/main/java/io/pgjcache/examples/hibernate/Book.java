package io.pgjcache.examples.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Version;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalId;
import org.hibernate.annotations.NaturalIdCache;

/**
 * A book, found by id or by its ISBN. The ISBN-to-id resolution is cached too, in the region
 * {@code io.pgjcache.examples.hibernate.Book##NaturalId}.
 */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.NONSTRICT_READ_WRITE)
@NaturalIdCache
public class Book {
  @Id
  @GeneratedValue
  private Long id;

  @NaturalId
  private String isbn;

  private String title;

  @ManyToOne(fetch = FetchType.LAZY)
  private Author author;

  @Version
  private int version;

  protected Book() {
  }

  public Book(String isbn, String title) {
    this.isbn = isbn;
    this.title = title;
  }

  public Long getId() {
    return id;
  }

  public String getIsbn() {
    return isbn;
  }

  public String getTitle() {
    return title;
  }

  public void setTitle(String title) {
    this.title = title;
  }

  public Author getAuthor() {
    return author;
  }

  void setAuthor(Author author) {
    this.author = author;
  }
}
