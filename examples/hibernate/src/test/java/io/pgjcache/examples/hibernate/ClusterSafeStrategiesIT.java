package io.pgjcache.examples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.hibernate.PgRegionFactory;
import jakarta.persistence.OptimisticLockException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.StaleObjectStateException;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * pgjcache's region factory on two nodes: with its READ_WRITE and TRANSACTIONAL strategies no node serves a state
 * older than the last committed one once that commit's notification has arrived, whatever the interleaving of
 * loads, updates and rollbacks. {@link DelayedPutFromLoadIT} shows the same races leaving stale state with
 * hibernate-jcache's READ_WRITE and with NONSTRICT_READ_WRITE. The cached {@link Account} has no time to live here:
 * a stale entry would stay.
 */
class ClusterSafeStrategiesIT {
  private static final String REGION_FACTORY = "hibernate.cache.region.factory_class";
  private static final int ITERATIONS = 200;
  private static final Duration SETTLES_WITHIN = Duration.ofSeconds(10);

  @TempDir
  Path directory;

  /** The strategies this factory makes safe, each on an entity of the example that uses it. */
  enum Strategy {
    READ_WRITE(Account.class, Regions.ACCOUNT), TRANSACTIONAL(Wallet.class, Regions.WALLET);

    final Class<? extends Balance> entity;
    final String region;

    Strategy(Class<? extends Balance> entity, String region) {
      this.entity = entity;
      this.region = region;
    }

    Balance create(long id, long balance) {
      return this == READ_WRITE ? new Account(id, "ada", balance) : new Wallet(id, "ada", balance);
    }
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void delayedPutFromLoad_onB_afterAnUpdateOnA_doesNotCacheTheOldState(Strategy strategy) throws Exception {
    PutGate gate = new PutGate();
    try (Nodes nodes = nodes()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b", Map.of(REGION_FACTORY, new GatedPgRegionFactory(gate)));
      assertThat(accessType(b, strategy.entity)).isEqualTo(AccessType.valueOf(strategy.name()));
      open(a, strategy, 100);
      a.sessionFactory().getCache().evictEntityData(strategy.entity, 1L);

      Background<Long> load = new Background<>("load-on-b", () -> Accounts.balance(b, strategy.entity, 1L));
      gate.hold(strategy.region, load.thread());
      load.start();
      gate.awaitHeld();
      Accounts.setBalance(a, strategy.entity, 1L, 200);
      gate.open();

      assertThat(load.result()).isEqualTo(100);
      assertEveryNodeServes(strategy, 200, a, b);
    }
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void updatesOnA_racingLoadsOnB_leaveNoStaleState(Strategy strategy) throws Exception {
    try (Nodes nodes = nodes()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      open(a, strategy, 0);
      Background<Void> loads = new Background<Void>("loads-on-b", () -> {
        for (int i = 0; i < ITERATIONS; i++) {
          b.sessionFactory().getCache().evictEntityData(strategy.entity, 1L);
          Accounts.balance(b, strategy.entity, 1L);
        }
        return null;
      }).start();
      for (int i = 1; i <= ITERATIONS; i++) {
        Accounts.setBalance(a, strategy.entity, 1L, i);
      }
      loads.result();
      assertEveryNodeServes(strategy, ITERATIONS, a, b);
    }
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void concurrentUpdatesOnTwoNodes_leaveNoStaleState(Strategy strategy) throws Exception {
    try (Nodes nodes = nodes()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      open(a, strategy, 0);
      AtomicLong done = new AtomicLong();
      Background<Void> onB = new Background<Void>("updates-on-b", () -> {
        addRepeatedly(b, strategy, done);
        return null;
      }).start();
      addRepeatedly(a, strategy, done);
      onB.result();
      assertThat(Accounts.balanceInDatabase(a, strategy.entity, 1L)).isEqualTo(2L * ITERATIONS);
      assertEveryNodeServes(strategy, 2L * ITERATIONS, a, b);
    }
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void anUpdateRolledBack_changesNothingAnyNodeServes(Strategy strategy) throws Exception {
    try (Nodes nodes = nodes()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      open(a, strategy, 100);
      assertEveryNodeServes(strategy, 100, a, b);
      for (int i = 0; i < ITERATIONS / 4; i++) {
        a.sessionFactory().inSession(session -> {
          var transaction = session.beginTransaction();
          session.find(strategy.entity, 1L).setBalance(-1);
          session.flush();
          transaction.rollback();
        });
      }
      assertEveryNodeServes(strategy, 100, a, b);
    }
  }

  /** Adds one to the balance, retrying on a version conflict with the other node, until this node added its share. */
  private static void addRepeatedly(HibernateNode node, Strategy strategy, AtomicLong done) {
    for (int added = 0; added < ITERATIONS; ) {
      try {
        node.sessionFactory().inTransaction(session -> {
          Balance account = session.find(strategy.entity, 1L);
          account.setBalance(account.getBalance() + 1);
        });
        added++;
        done.incrementAndGet();
      } catch (OptimisticLockException | StaleObjectStateException e) {
        // The other node committed first; read again and retry.
      }
    }
  }

  /** Each node, once the last commit has been heard, serves the committed balance (from its cache or not). */
  private static void assertEveryNodeServes(Strategy strategy, long balance, HibernateNode... nodes) {
    for (HibernateNode node : nodes) {
      await(node + " serves the committed balance").atMost(SETTLES_WITHIN)
          .untilAsserted(() -> assertThat(Accounts.balance(node, strategy.entity, 1L)).isEqualTo(balance));
      // Once right, it stays right: nothing stale can arrive later.
      assertThat(Accounts.balance(node, strategy.entity, 1L)).isEqualTo(balance);
    }
  }

  private static void open(HibernateNode node, Strategy strategy, long balance) {
    node.sessionFactory().inTransaction(session -> session.persist(strategy.create(1L, balance)));
  }

  private Nodes nodes() {
    return Nodes.in(directory)
        .hibernateSetting(REGION_FACTORY, PgRegionFactory.class.getName())
        .build();
  }

  private static AccessType accessType(HibernateNode node, Class<?> entity) {
    return node.sessionFactory().unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
        .getEntityDescriptor(entity).getCacheAccessStrategy().getAccessType();
  }
}
