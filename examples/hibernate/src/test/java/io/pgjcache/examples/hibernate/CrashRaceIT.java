package io.pgjcache.examples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.hibernate.PgRegionFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The crash race: the JVM that updates an entity dies ({@code kill -9}) after its transaction committed and before
 * Hibernate's after-commit cache work (the eviction, or the release of the soft lock) could run. A
 * {@link CrashingNode} in a JVM of its own stops deterministically at that point; the test kills it there and then
 * asks the two nodes that live on.
 *
 * <ul>
 *   <li>TRANSACTIONAL: the cache changed in the committed transaction itself, so every node serves the new state
 *   once the commit's notification has arrived.
 *   <li>READ_WRITE (pgjcache's): the soft lock the dead node took before its commit stays behind. A locked key is a
 *   miss on every node and loads may not put it, so every node reads the committed state from the database until
 *   the lock times out (Hibernate's region-factory timeout, 60 s by default, taken when the lock was taken); loads
 *   that begin after that cache the state they read, which is the committed one.
 *   <li>NONSTRICT_READ_WRITE, the contrast: the update evicted before its commit, a load on another node put the
 *   old state back before the commit, and the eviction after the commit never came: every node serves the old
 *   state for as long as the region keeps it (here, without a time to live, for good).
 * </ul>
 *
 * Each crash costs a JVM start with Hibernate (about 3 s on an idle machine); {@code -Dcrash.race.crashes=N} sets
 * how many crashes each safe strategy takes (default 5).
 */
class CrashRaceIT {
  private static final int CRASHES = Integer.getInteger("crash.race.crashes", 5);
  private static final long OLD = 100;
  private static final long NEW = 200;
  private static final Duration SETTLES_WITHIN = Duration.ofSeconds(10);
  /** {@code RegionFactory.getTimeout()} as {@link PgRegionFactory} leaves it: Hibernate's default. */
  private static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(60);
  private static final String REGION_FACTORY = "hibernate.cache.region.factory_class";

  @TempDir
  Path directory;

  @ParameterizedTest
  @EnumSource(value = UpdatedEntity.class, names = {"READ_WRITE", "TRANSACTIONAL"})
  void updaterKilledBetweenCommitAndAfterCommitWork_noNodeServesTheOldState(UpdatedEntity entity) throws Exception {
    try (Nodes nodes = nodes()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      for (int crash = 1; crash <= CRASHES; crash++) {
        long id = entity.create(a, crash, OLD);
        long beforeTheLock = System.nanoTime();
        crashAfterCommit(nodes, PgRegionFactory.class, entity, id, a, b);

        for (HibernateNode node : new HibernateNode[] {a, b}) {
          await(node + " serves the committed state").atMost(SETTLES_WITHIN)
              .untilAsserted(() -> assertThat(entity.read(node, id)).isEqualTo(NEW));
          // Nothing stale can arrive later: the node that could have sent it is dead.
          assertThat(entity.read(node, id)).isEqualTo(NEW);
        }
        if (entity == UpdatedEntity.READ_WRITE) {
          boolean missThatPutsNothing = isMissThatPutsNothing(b, () -> entity.read(b, id));
          // The lock holds only until its timeout, counted from when it was taken (after beforeTheLock).
          Duration sinceTheLock = Duration.ofNanos(System.nanoTime() - beforeTheLock);
          if (!missThatPutsNothing && sinceTheLock.compareTo(DEFAULT_LOCK_TIMEOUT) >= 0) {
            Assumptions.abort("too slow to check the soft lock: the read ended " + sinceTheLock.toSeconds()
                + " s after the lock was taken, past Hibernate's " + DEFAULT_LOCK_TIMEOUT.toSeconds() + " s timeout");
          }
          assertThat(missThatPutsNothing)
              .as("the dead node's soft lock makes the key a miss that loads may not put").isTrue();
        }
      }
    }
  }

  @Test
  void readWrite_theSoftLockOfADeadNode_timesOut_thenLoadsCacheTheCommittedState() throws Exception {
    UpdatedEntity entity = UpdatedEntity.READ_WRITE;
    try (Nodes nodes = Nodes.in(directory)
        .hibernateSetting(REGION_FACTORY, ShortLockTimeoutRegionFactory.class.getName()).build()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      long id = entity.create(a, 1, OLD);
      crashAfterCommit(nodes, ShortLockTimeoutRegionFactory.class, entity, id, a, b);

      // A load that begins after the lock's timeout puts what it read; the next read is a hit on the new state.
      await("a load caches the committed state once the lock timed out")
          .atMost(Duration.ofMillis(ShortLockTimeoutRegionFactory.TIMEOUT_MILLIS).plus(SETTLES_WITHIN))
          .until(() -> !isMissThatPutsNothing(b, () -> entity.read(b, id)));
      long hits = b.statistics().getSecondLevelCacheHitCount();
      assertThat(entity.read(b, id)).isEqualTo(NEW);
      assertThat(b.statistics().getSecondLevelCacheHitCount()).isGreaterThan(hits);
    }
  }

  @Test
  void nonstrict_updaterKilledBetweenCommitAndEviction_everyNodeServesTheOldState() throws Exception {
    UpdatedEntity entity = UpdatedEntity.NONSTRICT_READ_WRITE;
    try (Nodes nodes = nodes()) {
      HibernateNode a = nodes.start("node-a");
      HibernateNode b = nodes.start("node-b");
      long id = entity.create(a, 1, OLD);
      crashAfterCommit(nodes, PgRegionFactory.class, entity, id, a, b);

      assertThat(entity.readInDatabase(a, id)).isEqualTo(NEW);
      assertThat(entity.read(b, id)).as("served by the node that loaded during the update").isEqualTo(OLD);
      assertThat(entity.read(a, id)).as("served by the other node, from the shared cache").isEqualTo(OLD);
    }
  }

  /**
   * With both nodes serving the entity from their caches, a third node in a JVM of its own flushes an update of it
   * to {@link #NEW}; while its transaction is open, node B loads the entity (once it heard that the key was evicted
   * or locked, if the strategy does either before the commit, so that the load reads the database and tries to put
   * what it read); then the third node commits and is killed before its after-commit work.
   */
  private void crashAfterCommit(Nodes nodes, Class<?> regionFactory, UpdatedEntity entity, long id,
      HibernateNode a, HibernateNode b) throws Exception {
    assertThat(entity.read(a, id)).isEqualTo(OLD);
    assertThat(entity.read(b, id)).isEqualTo(OLD);
    try (CrashingNodeProcess c = CrashingNodeProcess.start(nodes.configFile("node-c"), regionFactory,
        nodes.entitySchema(), Nodes.applicationDataSource(), directory)) {
      c.flushUpdate(entity, id, NEW);
      if (entity == UpdatedEntity.TRANSACTIONAL) {
        assertThat(entity.read(b, id)).as("the committed state, while the update is not").isEqualTo(OLD);
      } else {
        await("node B heard of the update's eviction or lock").atMost(SETTLES_WITHIN)
            .until(() -> isMiss(b, () -> assertThat(entity.read(b, id)).isEqualTo(OLD)));
      }
      c.commit();
      assertThat(entity.readInDatabase(a, id)).isEqualTo(NEW);
      c.kill();
    }
  }

  /** Whether {@code read} missed the node's second-level cache. */
  private static boolean isMiss(HibernateNode node, Runnable read) {
    long misses = node.statistics().getSecondLevelCacheMissCount();
    read.run();
    return node.statistics().getSecondLevelCacheMissCount() > misses;
  }

  /** Whether {@code read} missed the node's second-level cache and put nothing into it. */
  private static boolean isMissThatPutsNothing(HibernateNode node, Runnable read) {
    Statistics statistics = node.statistics();
    long puts = statistics.getSecondLevelCachePutCount();
    return isMiss(node, read) && statistics.getSecondLevelCachePutCount() == puts;
  }

  private Nodes nodes() {
    return Nodes.in(directory).hibernateSetting(REGION_FACTORY, PgRegionFactory.class.getName()).build();
  }
}
