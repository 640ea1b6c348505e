package io.pgjcache.examples.hibernate;

import java.util.function.LongFunction;
import org.hibernate.Session;

/**
 * One entity of the example per cache concurrency strategy, reduced to a number the tests can update and compare:
 * the balance of an {@link Account} (READ_WRITE) or a {@link Wallet} (TRANSACTIONAL), the title of a {@link Book}
 * (NONSTRICT_READ_WRITE) as {@code "state <n>"}.
 */
enum UpdatedEntity {
  NONSTRICT_READ_WRITE(Book.class, null), READ_WRITE(Account.class, id -> new Account(id, "ada", 0)),
  TRANSACTIONAL(Wallet.class, id -> new Wallet(id, "ada", 0));

  private static final String TITLE = "state ";

  final Class<?> type;
  private final LongFunction<Balance> newBalance;

  UpdatedEntity(Class<?> type, LongFunction<Balance> newBalance) {
    this.type = type;
    this.newBalance = newBalance;
  }

  /** Persists an entity in state {@code state} and returns its id; {@code n} makes its natural key unique. */
  long create(HibernateNode node, long n, long state) {
    return node.sessionFactory().fromTransaction(session -> {
      if (newBalance == null) {
        Book book = new Book("isbn-" + n, TITLE + state);
        session.persist(book);
        return book.getId();
      }
      Balance balance = newBalance.apply(n);
      balance.setBalance(state);
      session.persist(balance);
      return n;
    });
  }

  /** The state as the node serves it (from its second-level cache when it holds the entity). */
  long read(HibernateNode node, long id) {
    return node.sessionFactory().fromSession(session -> stateOf(session.find(type, id)));
  }

  /** The state in the database: a query of a column never reads the second-level cache. */
  long readInDatabase(HibernateNode node, long id) {
    String column = newBalance == null ? "title" : "balance";
    Object state = node.sessionFactory().fromSession(session -> session
        .createSelectionQuery("select " + column + " from " + type.getSimpleName() + " where id = :id", Object.class)
        .setParameter("id", id).getSingleResult());
    return state instanceof String title ? Long.parseLong(title.substring(TITLE.length())) : (Long) state;
  }

  /** Changes the state of the entity in the session's persistence context. */
  void change(Session session, long id, long state) {
    Object entity = session.find(type, id);
    if (entity instanceof Book book) {
      book.setTitle(TITLE + state);
    } else {
      ((Balance) entity).setBalance(state);
    }
  }

  private static long stateOf(Object entity) {
    return entity instanceof Book book ? Long.parseLong(book.getTitle().substring(TITLE.length()))
        : ((Balance) entity).getBalance();
  }
}
