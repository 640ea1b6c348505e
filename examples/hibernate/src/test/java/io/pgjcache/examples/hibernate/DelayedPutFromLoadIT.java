package io.pgjcache.examples.hibernate;

import static io.pgjcache.examples.hibernate.Regions.ACCOUNT;
import static io.pgjcache.examples.hibernate.Regions.BOOK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.persistence.OptimisticLockException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.hibernate.cache.spi.support.AbstractReadWriteAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each cache concurrency strategy does when a load reads a row, then an update of that row commits,
 * and only then the load's put into the cache lands. {@link PutGate} holds the load at exactly that
 * point; in production a pause of the JVM or the network does the same, rarely.
 *
 * <table>
 *   <caption>the value cached once both are done</caption>
 *   <tr><th></th><th>one node</th><th>two nodes (load on B, update on A)</th></tr>
 *   <tr><td>READ_WRITE</td><td>new: the update waits for the load's JVM-local lock</td>
 *       <td>old: the lock guards one JVM only, so the load's put overwrites A's newer entry</td></tr>
 *   <tr><td>NONSTRICT_READ_WRITE</td><td>old: no lock at all</td><td>old: the same as on one node</td></tr>
 * </table>
 *
 * <p>So across nodes READ_WRITE is no stricter than NONSTRICT_READ_WRITE, and in every "old" case the stale
 * entry lives until the next update of that row or until the region's time to live, which bounds it; with a
 * {@code @Version}, an update made from the stale state fails instead of overwriting the newer row.
 */
class DelayedPutFromLoadIT {
  private static final String TIME_TO_LIVE = "PT3S";
  private static final String REGION_FACTORY = "hibernate.cache.region.factory_class";
  /** hibernate-jcache's own region factory, whose strategies these tests show (the example's nodes use pgjcache's). */
  private static final String HIBERNATE_JCACHE = "jcache";

  @TempDir
  Path directory;

  @Test
  void readWrite_oneNode_updateWaitsForTheDelayedLoad_andTheCacheStaysFresh() throws Exception {
    PutGate gate = new PutGate();
    try (Nodes nodes = nodesWithTimeToLiveOn(ACCOUNT)) {
      HibernateNode node = nodes.start("node-a", Map.of(REGION_FACTORY, new GatedRegionFactory(gate)));
      Accounts.open(node, 1L, "ada", 100);
      node.sessionFactory().getCache().evictEntityData(Account.class, 1L);

      Background<Long> load = new Background<>("load", () -> Accounts.balance(node, 1L));
      gate.hold(ACCOUNT, load.thread());
      load.start();
      gate.awaitHeld();
      Background<Void> update = new Background<Void>("update", () -> {
        Accounts.setBalance(node, 1L, 200);
        return null;
      }).start();
      await().atMost(Duration.ofSeconds(10)).until(() -> isWaitingForTheReadWriteLock(update.thread()));
      gate.open();

      assertThat(load.result()).isEqualTo(100);
      update.result();
      assertThat(Accounts.balanceInDatabase(node, 1L)).isEqualTo(200);
      assertThat(Accounts.balance(node, 1L)).as("cached balance").isEqualTo(200);
    }
  }

  @Test
  void readWrite_twoNodes_delayedLoadOnB_cachesTheOldValueOverAsUpdate_andAnUpdateFromItFailsTheVersionCheck()
      throws Exception {
    PutGate gate = new PutGate();
    try (Nodes nodes = nodesWithTimeToLiveOn(ACCOUNT)) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b", Map.of(REGION_FACTORY, new GatedRegionFactory(gate)));
      Accounts.open(a, 1L, "ada", 100);
      a.sessionFactory().getCache().evictEntityData(Account.class, 1L);

      Background<Long> load = new Background<>("load-on-b", () -> Accounts.balance(b, 1L));
      gate.hold(ACCOUNT, load.thread());
      load.start();
      gate.awaitHeld();
      Accounts.setBalance(a, 1L, 200);
      gate.open();

      assertThat(load.result()).isEqualTo(100);
      assertThat(Accounts.balanceInDatabase(a, 1L)).isEqualTo(200);
      assertThat(Accounts.balance(a, 1L)).as("cached balance on A").isEqualTo(100);
      assertThat(Accounts.balance(b, 1L)).as("cached balance on B").isEqualTo(100);
      assertThatThrownBy(() -> Accounts.setBalance(b, 1L, 300)).isInstanceOf(OptimisticLockException.class);
      assertThat(Accounts.balanceInDatabase(b, 1L)).isEqualTo(200);
    }
  }

  @Test
  void nonstrict_oneNode_delayedLoad_cachesTheOldValue_untilTheTimeToLive() throws Exception {
    PutGate gate = new PutGate();
    try (Nodes nodes = nodesWithTimeToLiveOn(BOOK)) {
      HibernateNode node = nodes.start("node-a", Map.of(REGION_FACTORY, new GatedRegionFactory(gate)));
      long bookId = bookTitled(node, "Old title");

      Background<String> load = new Background<>("load", () -> Library.title(node, bookId));
      gate.hold(BOOK, load.thread());
      load.start();
      gate.awaitHeld();
      Library.retitle(node, bookId, "New title");
      gate.open();

      assertThat(load.result()).isEqualTo("Old title");
      assertThat(Library.titleInDatabase(node, bookId)).isEqualTo("New title");
      assertThat(Library.title(node, bookId)).as("cached title").isEqualTo("Old title");
      await().atMost(Duration.ofSeconds(15)).until(() -> Library.title(node, bookId).equals("New title"));
    }
  }

  @Test
  void nonstrict_twoNodes_delayedLoadOnB_cachesTheOldValue_untilTheTimeToLive() throws Exception {
    PutGate gate = new PutGate();
    try (Nodes nodes = nodesWithTimeToLiveOn(BOOK)) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b", Map.of(REGION_FACTORY, new GatedRegionFactory(gate)));
      long bookId = bookTitled(a, "Old title");

      Background<String> load = new Background<>("load-on-b", () -> Library.title(b, bookId));
      gate.hold(BOOK, load.thread());
      load.start();
      gate.awaitHeld();
      Library.retitle(a, bookId, "New title");
      gate.open();

      assertThat(load.result()).isEqualTo("Old title");
      assertThat(Library.titleInDatabase(a, bookId)).isEqualTo("New title");
      assertThat(Library.title(a, bookId)).as("cached title on A").isEqualTo("Old title");
      await().atMost(Duration.ofSeconds(15)).until(() -> Library.title(b, bookId).equals("New title"));
    }
  }

  /** Nodes on hibernate-jcache's region factory, whose cache of {@code region} has a time to live. */
  private Nodes nodesWithTimeToLiveOn(String region) {
    return Nodes.in(directory).hibernateSetting(REGION_FACTORY, HIBERNATE_JCACHE)
        .cacheSetting(Regions.timeToLive(region), TIME_TO_LIVE).build();
  }

  /** A book that is in the database but not in the cache. */
  private static long bookTitled(HibernateNode node, String title) {
    Library.authorWithBooks(node, "Ada", "isbn-1");
    long bookId = Library.bookId(node, "isbn-1");
    Library.retitle(node, bookId, title);
    node.sessionFactory().getCache().evictEntityData(Book.class, bookId);
    return bookId;
  }

  private static boolean isWaitingForTheReadWriteLock(Thread thread) {
    return thread.getState() == Thread.State.WAITING && Arrays.stream(thread.getStackTrace())
        .anyMatch(frame -> frame.getClassName().equals(AbstractReadWriteAccess.class.getName()));
  }
}
