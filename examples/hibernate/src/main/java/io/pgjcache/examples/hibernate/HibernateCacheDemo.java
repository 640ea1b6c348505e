package io.pgjcache.examples.hibernate;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.hibernate.stat.Statistics;

/**
 * Two application nodes share one second-level cache in PostgreSQL: node B reads what node A cached,
 * and after A renames a book, B reads the new title. Run it from the repository root with
 * {@code ./mvnw -q -Pdemo -pl examples/hibernate -am package -DskipTests}.
 */
public final class HibernateCacheDemo {
  private static final String SCHEMA = "hibernate_demo";
  private static final Map<String, Object> NODE_A = Map.of(
      "hibernate.default_schema", SCHEMA,
      "hibernate.hbm2ddl.auto", "create-drop");
  private static final Map<String, Object> NODE_B = Map.of(
      "hibernate.default_schema", SCHEMA,
      "hibernate.hbm2ddl.auto", "none");

  /** Far above the notification latency, even on a busy machine: the demo reports the real figure. */
  private static final Duration HEARD_WITHIN = Duration.ofSeconds(5);

  private final PrintStream out;

  public HibernateCacheDemo(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    // Hibernate logs through JBoss Logging; this sends it to SLF4J, configured in simplelogger.properties.
    System.setProperty("org.jboss.logging.provider", "slf4j");
    new HibernateCacheDemo(System.out).run();
  }

  public void run() {
    try (HikariDataSource database = ApplicationDatabase.pool("application", 4)) {
      createSchema(database);
      runNodes(database);
    }
  }

  private void runNodes(DataSource database) {
    try (HibernateNode a = HibernateNode.start("A", database, "classpath://pgjcache-node-a.properties", NODE_A);
        HibernateNode b = HibernateNode.start("B", database, "classpath://pgjcache-node-b.properties", NODE_B)) {
      // The tables were just created, so ids start again: entries cached by an earlier run must go.
      a.sessionFactory().getCache().evictAllRegions();

      long id = a.sessionFactory().fromTransaction(session -> {
        Author author = new Author("Ada Lovelace");
        Book book = new Book("978-0-00-000001-1", "Sketch of the Analytical Engine");
        author.addBook(book);
        session.persist(author);
        session.persist(book);
        return book.getId();
      });
      out.printf("Node A saved book %d: \"%s\"%n", id, title(a, id));
      out.printf("Node B reads it: \"%s\"%n", title(b, id));
      String renamed = "Notes by the Translator";
      a.sessionFactory().inTransaction(session -> session.find(Book.class, id).setTitle(renamed));
      long renamedAt = System.nanoTime();
      // B's copy is dropped when the commit's notification reaches it, typically within a millisecond or two; until
      // then B may still read the old title from memory. Read until it has heard of the change.
      String seenByB = titleOnceHeard(b, id, renamed);
      out.printf("Node A renamed it; node B reads: \"%s\" (heard within %d ms)%n", seenByB,
          Duration.ofNanos(System.nanoTime() - renamedAt).toMillis());
      out.printf("Node B by ISBN: \"%s\"%n", titleByIsbn(b, "978-0-00-000001-1"));
      report(a);
      report(b);
    }
  }

  private static void createSchema(DataSource database) {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create schema " + SCHEMA, e);
    }
  }

  private static String title(HibernateNode node, long bookId) {
    return node.sessionFactory().fromSession(session -> session.find(Book.class, bookId).getTitle());
  }

  /** Reads the title on a node until it is the expected one, for at most a few seconds; returns the last read. */
  private static String titleOnceHeard(HibernateNode node, long bookId, String expected) {
    long deadline = System.nanoTime() + HEARD_WITHIN.toNanos();
    String title = title(node, bookId);
    while (!expected.equals(title) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      title = title(node, bookId);
    }
    return title;
  }

  private static String titleByIsbn(HibernateNode node, String isbn) {
    return node.sessionFactory().fromSession(session -> session.bySimpleNaturalId(Book.class).load(isbn).getTitle());
  }

  private void report(HibernateNode node) {
    Statistics statistics = node.statistics();
    out.printf("Node %s second-level cache: %d hits, %d misses, %d puts (natural ids: %d hits)%n", node.name(),
        statistics.getSecondLevelCacheHitCount(), statistics.getSecondLevelCacheMissCount(),
        statistics.getSecondLevelCachePutCount(), statistics.getNaturalIdCacheHitCount());
  }
}
