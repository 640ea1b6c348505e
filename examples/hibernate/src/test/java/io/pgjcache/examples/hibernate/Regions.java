package io.pgjcache.examples.hibernate;

import java.util.List;

/** Hibernate's region names for the example's entities: each is the name of a pgjcache cache. */
final class Regions {
  static final String AUTHOR = Author.class.getName();
  static final String AUTHOR_BOOKS = Author.class.getName() + ".books";
  static final String BOOK = Book.class.getName();
  static final String BOOK_NATURAL_ID = Book.class.getName() + "##NaturalId";
  static final String COUNTRY = Country.class.getName();
  static final String ACCOUNT = Account.class.getName();
  static final String WALLET = Wallet.class.getName();
  static final String QUERY_RESULTS = "default-query-results-region";
  static final String UPDATE_TIMESTAMPS = "default-update-timestamps-region";

  /** Every region the example's SessionFactory uses. */
  static final List<String> ALL = List.of(AUTHOR, AUTHOR_BOOKS, BOOK, BOOK_NATURAL_ID, COUNTRY, ACCOUNT, WALLET,
      QUERY_RESULTS, UPDATE_TIMESTAMPS);

  /** The per-cache setting for a region's time to live, as written in a pgjcache file. */
  static String timeToLive(String region) {
    return "pgjcache.cache." + region + ".expiry-after-write";
  }

  private Regions() {
  }
}
