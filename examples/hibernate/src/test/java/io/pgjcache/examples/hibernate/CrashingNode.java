package io.pgjcache.examples.hibernate;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.transaction.Synchronization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.hibernate.Session;
import org.hibernate.Transaction;

/**
 * A node in a JVM of its own that updates one entity and then stops dead between the commit of its transaction and
 * the cache work Hibernate does after the commit (the eviction or the release of a soft lock), where
 * {@link CrashRaceIT} kills it. The stopping point is deterministic: a {@link Synchronization} of the transaction,
 * which Hibernate notifies after the commit and before its own after-completion processes.
 *
 * <p>Arguments: the pgjcache configuration URI of the node, the schema of the entities and the class of the region
 * factory. The database comes from
 * {@code PGJCACHE_JDBC_URL} (and user, password) in the environment. It talks over standard input and output:
 * it prints {@link #READY}; on {@code update <entity> <id> <state>} it flushes the change and prints
 * {@link #FLUSHED}; on {@code commit} it commits, prints {@link #COMMITTED} and waits forever.
 */
final class CrashingNode {
  static final String READY = "crashing-node: ready";
  static final String FLUSHED = "crashing-node: flushed";
  static final String COMMITTED = "crashing-node: committed";

  private CrashingNode() {
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    HikariDataSource pool = ApplicationDatabase.pool("crashing-node", 2);
    HibernateNode node = HibernateNode.start("node-c", pool, args[0], Map.of(
        "hibernate.default_schema", args[1],
        "hibernate.cache.region.factory_class", args[2]));
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println(READY);
    String[] update = commands.readLine().split(" ");
    UpdatedEntity entity = UpdatedEntity.valueOf(update[1]);
    CountDownLatch never = new CountDownLatch(1);
    try (Session session = node.sessionFactory().openSession()) {
      Transaction transaction = session.beginTransaction();
      transaction.registerSynchronization(new Synchronization() {
        @Override
        public void beforeCompletion() {
        }

        @Override
        public void afterCompletion(int status) {
          System.out.println(COMMITTED);
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      entity.change(session, Long.parseLong(update[2]), Long.parseLong(update[3]));
      session.flush();
      System.out.println(FLUSHED);
      if (!"commit".equals(commands.readLine())) {
        throw new IllegalStateException("expected 'commit'");
      }
      transaction.commit();
    }
    throw new IllegalStateException("the node was to be killed before its after-commit cache work");
  }
}
