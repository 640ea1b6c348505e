package io.pgjcache.examples.hibernate;

import java.util.Arrays;
import java.util.List;

/** The application's use cases, each in a session of its own as separate requests would run them. */
final class Library {
  private Library() {
  }

  static long author(HibernateNode node, String name) {
    return node.sessionFactory().fromTransaction(session -> {
      Author author = new Author(name);
      session.persist(author);
      return author.getId();
    });
  }

  /** An author with one book per ISBN, titled {@code Title of <isbn>}. */
  static long authorWithBooks(HibernateNode node, String name, String... isbns) {
    return node.sessionFactory().fromTransaction(session -> {
      Author author = new Author(name);
      session.persist(author);
      for (String isbn : isbns) {
        Book book = new Book(isbn, "Title of " + isbn);
        author.addBook(book);
        session.persist(book);
      }
      return author.getId();
    });
  }

  static void addBook(HibernateNode node, long authorId, String isbn) {
    node.sessionFactory().inTransaction(session -> {
      Book book = new Book(isbn, "Title of " + isbn);
      session.find(Author.class, authorId).addBook(book);
      session.persist(book);
    });
  }

  static String authorName(HibernateNode node, long id) {
    return node.sessionFactory().fromSession(session -> session.find(Author.class, id).getName());
  }

  static void rename(HibernateNode node, long authorId, String name) {
    node.sessionFactory().inTransaction(session -> session.find(Author.class, authorId).setName(name));
  }

  static List<String> isbnsOf(HibernateNode node, long authorId) {
    return node.sessionFactory().fromSession(session ->
        session.find(Author.class, authorId).getBooks().stream().map(Book::getIsbn).toList());
  }

  static long bookId(HibernateNode node, String isbn) {
    return node.sessionFactory().fromSession(session ->
        session.createSelectionQuery("select id from Book where isbn = :isbn", Long.class)
            .setParameter("isbn", isbn).getSingleResult());
  }

  static String title(HibernateNode node, long bookId) {
    return node.sessionFactory().fromSession(session -> session.find(Book.class, bookId).getTitle());
  }

  static void retitle(HibernateNode node, long bookId, String title) {
    node.sessionFactory().inTransaction(session -> session.find(Book.class, bookId).setTitle(title));
  }

  /** The title in the database: a query of a column never reads the second-level cache. */
  static String titleInDatabase(HibernateNode node, long bookId) {
    return node.sessionFactory().fromSession(session ->
        session.createSelectionQuery("select title from Book where id = :id", String.class)
            .setParameter("id", bookId).getSingleResult());
  }

  static String titleByIsbn(HibernateNode node, String isbn) {
    return node.sessionFactory().fromSession(session ->
        session.bySimpleNaturalId(Book.class).load(isbn).getTitle());
  }

  static void retitle(HibernateNode node, String isbn, String title) {
    node.sessionFactory().inTransaction(session ->
        session.bySimpleNaturalId(Book.class).load(isbn).setTitle(title));
  }

  /** A cacheable query: titles matching a pattern, in ISBN order. */
  static List<String> titlesLike(HibernateNode node, String pattern) {
    return node.sessionFactory().fromSession(session ->
        session.createSelectionQuery("select title from Book where title like :pattern order by isbn", String.class)
            .setParameter("pattern", pattern)
            .setCacheable(true)
            .getResultList());
  }

  static void countries(HibernateNode node, Country... countries) {
    node.sessionFactory().inTransaction(session -> Arrays.stream(countries).forEach(session::persist));
  }

  /** The country's name, or null when there is no such country. */
  static String countryName(HibernateNode node, String code) {
    return node.sessionFactory().fromSession(session -> {
      Country country = session.find(Country.class, code);
      return country == null ? null : country.getName();
    });
  }

  static void deleteCountry(HibernateNode node, String code) {
    node.sessionFactory().inTransaction(session -> session.remove(session.find(Country.class, code)));
  }
}
