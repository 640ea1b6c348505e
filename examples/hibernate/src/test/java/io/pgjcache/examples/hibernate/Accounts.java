package io.pgjcache.examples.hibernate;

/**
 * Use cases of the READ_WRITE cached {@link Account}, and of any other {@link Balance} entity through the overloads
 * that name its class.
 */
final class Accounts {
  private Accounts() {
  }

  static void open(HibernateNode node, long id, String owner, long balance) {
    node.sessionFactory().inTransaction(session -> session.persist(new Account(id, owner, balance)));
  }

  /** The balance as this node's second-level cache serves it. */
  static long balance(HibernateNode node, long id) {
    return balance(node, Account.class, id);
  }

  static long balance(HibernateNode node, Class<? extends Balance> type, long id) {
    return node.sessionFactory().fromSession(session -> session.find(type, id).getBalance());
  }

  /** The balance in the database: a query of a column never reads the second-level cache. */
  static long balanceInDatabase(HibernateNode node, long id) {
    return balanceInDatabase(node, Account.class, id);
  }

  static long balanceInDatabase(HibernateNode node, Class<? extends Balance> type, long id) {
    return node.sessionFactory().fromSession(session ->
        session.createSelectionQuery("select balance from " + type.getSimpleName() + " where id = :id", Long.class)
            .setParameter("id", id).getSingleResult());
  }

  static void setBalance(HibernateNode node, long id, long balance) {
    setBalance(node, Account.class, id, balance);
  }

  static void setBalance(HibernateNode node, Class<? extends Balance> type, long id, long balance) {
    node.sessionFactory().inTransaction(session -> session.find(type, id).setBalance(balance));
  }
}
