package io.pgjcache.internal.near;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.internal.codec.DigestKey;
import io.pgjcache.internal.store.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class NearCacheTest {
  private static final int WRITER = 4711;
  private static final int OTHER = 815;
  /** How many changes each race test makes while its readers install. */
  private static final int RACED_CHANGES = 200_000;

  private final AtomicLong generation = new AtomicLong(1);
  private final NearCache near = new NearCache(100, liveStream(generation));
  private final DigestKey key = new DigestKey(new byte[] {1, 2, 3, 4, 5});

  @Test
  void get_readsNoClock_forACopyThatNeverExpires() {
    install(key, bytes("v"), StoredEntry.ETERNAL);
    AtomicInteger clockReads = new AtomicInteger();
    LongSupplier clock = () -> {
      clockReads.incrementAndGet();
      return 0;
    };

    assertThat(near.get(key, clock)).isNotNull();
    assertThat(clockReads).hasValue(0);
  }

  @Test
  void get_readsTheClock_andDropsACopyThatHasExpired() {
    install(key, bytes("v"), 1_000);

    assertThat(near.get(key, () -> 999)).isNotNull();
    assertThat(near.get(key, () -> 1_000)).isNull();
    assertThat(near.size()).isZero();
  }

  @Test
  void counts_hitsMissesAndExpiredCopies_butNotPeeks() {
    install(key, bytes("v"), 1_000);

    near.get(key, () -> 10);
    near.get(key, () -> 20);
    near.peek(key, () -> 30);
    near.get(new DigestKey(new byte[] {9}), () -> 40);
    near.get(key, () -> 1_000);

    assertThat(near.counts()).isEqualTo(new NearCache.Counts(2, 2, 0, 0));
  }

  @Test
  void counts_readsWhileTheStreamIsDown_asBypassed() {
    AtomicBoolean live = new AtomicBoolean(true);
    NearCache cache = new NearCache(100, new NearCache.Stream() {
      @Override
      public boolean isLive() {
        return live.get();
      }

      @Override
      public long generation() {
        return 1;
      }
    });
    live.set(false);

    assertThat(cache.get(key, 0)).isNull();

    assertThat(cache.counts()).isEqualTo(new NearCache.Counts(0, 0, 1, 0));
  }

  @Test
  void counts_theCopiesEvictedToStayWithinTheBound() {
    NearCache small = new NearCache(3, liveStream(generation));
    for (int i = 0; i < 20; i++) {
      DigestKey digest = new DigestKey(new byte[] {(byte) i});
      small.complete(digest, small.begin(digest), bytes("v"), StoredEntry.ETERNAL);
    }

    assertThat(small.size()).isLessThanOrEqualTo(3);
    assertThat(small.counts().evictions()).isEqualTo(20 - small.size());
  }

  @Test
  void share_keepsTheDecodedValue_whileTheCopyIsThere() {
    install(key, bytes("v"), StoredEntry.ETERNAL);
    NearCache.Entry copy = near.get(key, 0);

    near.share(key, copy, "v", null);

    assertThat(near.get(key, 0).shared()).isEqualTo("v");
    assertThat(near.get(key, 0).valueBytes()).isSameAs(copy.valueBytes());
  }

  @Test
  void share_keepsNothing_whenTheCopyWasInvalidatedMeanwhile() {
    install(key, bytes("v"), StoredEntry.ETERNAL);
    NearCache.Entry copy = near.get(key, 0);

    near.invalidate(key);
    near.share(key, copy, "v", null);

    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void share_keepsNothing_whenAnotherCopyReplacedItMeanwhile() {
    install(key, bytes("old"), StoredEntry.ETERNAL);
    NearCache.Entry old = near.get(key, 0);
    near.invalidate(key);
    install(key, bytes("new"), StoredEntry.ETERNAL);

    near.share(key, old, "old", null);

    assertThat(near.get(key, 0).shared()).isNull();
    assertThat(near.get(key, 0).valueBytes()).isEqualTo(bytes("new"));
  }

  @Test
  void invalidate_dropsASharedCopy() {
    install(key, bytes("v"), StoredEntry.ETERNAL);
    near.share(key, near.get(key, 0), "v", null);

    near.invalidate(key);

    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void aCopy_equalsItsSharedVariant_soTakingTheCopyBackTakesTheVariantBack() {
    byte[] value = bytes("v");
    NearCache.Entry copy = new NearCache.Entry(value, 5, null, 0, null);
    NearCache.Entry shared = new NearCache.Entry(value, 5, "v", 0, null);

    assertThat(shared).isEqualTo(copy).hasSameHashCodeAs(copy);
    assertThat(new NearCache.Entry(bytes("v"), 5, null, 0, null)).as("equal bytes, another copy").isNotEqualTo(copy);
  }

  // ---- own writes (store-by-reference) ----------------------------------------------------------

  @Test
  void ownWrite_isKept_throughItsOwnAnnouncement_andDroppedByTheNextChange() {
    Object instance = new Object();
    NearCache.PendingWrite pending = near.beginWrite(key);
    near.completeWrite(key, pending, WRITER, bytes("v"), StoredEntry.ETERNAL, instance, null);
    assertThat(near.get(key, 0).shared()).isSameAs(instance);

    near.onNotification(key, WRITER);
    assertThat(near.get(key, 0).shared()).as("after its own announcement").isSameAs(instance);

    near.onNotification(key, WRITER);
    assertThat(near.get(key, 0)).as("a later change by the same backend").isNull();
  }

  @Test
  void ownWrite_isKept_whenItsAnnouncementArrivedBeforeTheInstall_butNotPastTheNextOne() {
    NearCache.PendingWrite pending = near.beginWrite(key);
    near.onNotification(key, WRITER);
    near.completeWrite(key, pending, WRITER, bytes("v"), StoredEntry.ETERNAL, "instance", null);
    assertThat(near.get(key, 0).shared()).isEqualTo("instance");

    near.onNotification(key, WRITER);
    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void ownWrite_isNotInstalled_whenAnotherSessionChangedTheKeyMeanwhile() {
    NearCache.PendingWrite pending = near.beginWrite(key);
    near.onNotification(key, OTHER);
    near.completeWrite(key, pending, WRITER, bytes("v"), StoredEntry.ETERNAL, "instance", null);

    assertThat(near.get(key, 0)).isNull();
    assertThat(near.size()).isZero();
  }

  @Test
  void ownWrite_isNotInstalled_afterTwoAnnouncements_evenFromItsOwnBackend() {
    NearCache.PendingWrite pending = near.beginWrite(key);
    near.onNotification(key, WRITER);
    near.onNotification(key, WRITER);
    near.completeWrite(key, pending, WRITER, bytes("v"), StoredEntry.ETERNAL, "instance", null);

    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void ownWrite_isDropped_byAnotherSessionsChange_whileAwaitingItsOwnAnnouncement() {
    near.completeWrite(key, near.beginWrite(key), WRITER, bytes("v"), StoredEntry.ETERNAL, "instance", null);

    near.onNotification(key, OTHER);

    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void ownWrite_isNotInstalled_afterALocalInvalidation_orAnOutage() {
    NearCache.PendingWrite first = near.beginWrite(key);
    near.invalidate(key);
    near.completeWrite(key, first, WRITER, bytes("v"), StoredEntry.ETERNAL, "instance", null);
    assertThat(near.get(key, 0)).as("after a local invalidation").isNull();

    NearCache.PendingWrite second = near.beginWrite(key);
    generation.incrementAndGet();
    near.completeWrite(key, second, WRITER, bytes("v"), StoredEntry.ETERNAL, "instance", null);
    assertThat(near.get(key, 0)).as("after the stream changed generation").isNull();
  }

  @Test
  void ownWrite_dropsAReadThatReplacedItsPendingWrite_sinceThatReadMayPrecedeTheCommit() {
    NearCache.PendingWrite pending = near.beginWrite(key);
    install(key, bytes("old"), StoredEntry.ETERNAL);

    near.completeWrite(key, pending, WRITER, bytes("new"), StoredEntry.ETERNAL, "instance", null);

    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void ownWrite_ofAnUnknownBackend_lastsOnlyUntilTheNextNotification() {
    near.completeWrite(key, near.beginWrite(key), 0, bytes("v"), StoredEntry.ETERNAL, "instance", null);
    assertThat(near.get(key, 0)).isNotNull();

    near.onNotification(key, 0);

    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void aNotification_dropsAReadInFlight_soItInstallsNothing() {
    NearCache.Token token = near.begin(key);
    near.onNotification(key, WRITER);

    assertThat(near.complete(key, token, bytes("v"), StoredEntry.ETERNAL)).isNull();
    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void aReadCopy_isDropped_byAnyNotification() {
    install(key, bytes("v"), StoredEntry.ETERNAL);

    near.onNotification(key, WRITER);

    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void sharing_keepsTheBackendACopyAwaits() {
    near.completeWrite(key, near.beginWrite(key), WRITER, bytes("v"), StoredEntry.ETERNAL, null, null);
    near.share(key, near.get(key, 0), "decoded", null);

    near.onNotification(key, WRITER);

    assertThat(near.get(key, 0).shared()).isEqualTo("decoded");
  }

  // ---- index by the caller's key ------------------------------------------------------------------

  @Test
  void aSharedCopy_isReachableByTheCallersKey_untilItIsInvalidated() {
    install(key, bytes("v"), StoredEntry.ETERNAL);
    near.share(key, near.get(key, 0), "v", "caller key");
    assertThat(near.getShared(new String("caller key"), () -> 0)).isEqualTo("v");

    near.invalidate(key);

    assertThat(near.getShared("caller key", () -> 0)).isNull();
  }

  @Test
  void everyWayACopyLeaves_takesItOutOfTheIndex() {
    Runnable[] removals = {
        () -> near.onNotification(key, OTHER),
        () -> near.invalidateAll(),
        () -> near.begin(key),
        () -> near.beginWrite(key),
        () -> near.get(key, 2_000),
    };
    for (Runnable removal : removals) {
      install(key, bytes("v"), 1_000);
      near.share(key, near.get(key, 0), "v", "caller key");
      assertThat(near.getShared("caller key", () -> 0)).isEqualTo("v");

      removal.run();

      assertThat(near.getShared("caller key", () -> 0)).isNull();
      near.invalidateAll();
    }
  }

  @Test
  void anOwnWrite_isReachableByKey_throughItsOwnAnnouncement_butNotPastTheNextChange() {
    near.completeWrite(key, near.beginWrite(key), WRITER, bytes("v"), StoredEntry.ETERNAL, "instance", "k");
    near.onNotification(key, WRITER);
    assertThat(near.getShared("k", () -> 0)).isEqualTo("instance");

    near.onNotification(key, WRITER);

    assertThat(near.getShared("k", () -> 0)).isNull();
  }

  @Test
  void anExpiredCopy_isNotServedByKey() {
    install(key, bytes("v"), 1_000);
    near.share(key, near.get(key, 0), "v", "k");

    assertThat(near.getShared("k", () -> 999)).isEqualTo("v");
    assertThat(near.getShared("k", () -> 1_000)).isNull();
  }

  @Test
  void theIndex_shrinksWithTheCache() {
    NearCache small = new NearCache(10, liveStream(new AtomicLong(1)));
    for (int i = 0; i < 100; i++) {
      DigestKey digest = new DigestKey(new byte[] {(byte) i, 1, 2, 3, 4});
      NearCache.Entry installed = small.complete(digest, small.begin(digest), bytes("v" + i), StoredEntry.ETERNAL);
      small.share(digest, installed, "v" + i, "k" + i);
    }
    assertThat(small.indexed()).as("caller keys indexed").isLessThanOrEqualTo(small.size());
    int reachable = 0;
    for (int i = 0; i < 100; i++) {
      if (small.getShared("k" + i, () -> 0) != null) {
        reachable++;
      }
    }
    assertThat(small.size()).isLessThanOrEqualTo(10);
    assertThat(reachable).isLessThanOrEqualTo(small.size());
  }

  // ---- races between the index and removals --------------------------------------------------------

  @Test
  void evictions_racingWithInstallsAndNotifications_neverLeaveAnOlderValueReachableByKey() throws Exception {
    NearCache small = new NearCache(4, liveStream(new AtomicLong(1)));
    DigestKey hot = new DigestKey(new byte[] {0, 0, 0, 0, 7, 7, 7, 7});
    AtomicInteger committed = new AtomicInteger();
    // Readers install the hot key and a stream of other keys into a cache too small for them, so that evictions
    // of hot copies (and of their index entries) interleave with the writer's notifications.
    Runnable read = () -> {
      DigestKey other = new DigestKey(new byte[] {0, 0, 1, (byte) ThreadLocalRandom.current().nextInt(64), 7, 7, 7, 7});
      installShared(small, other, "other", other);
      readAndShare(small, hot, committed, "hot");
    };
    long stale = staleReadsWhileRacing(2, read, committed, written -> {
      small.onNotification(hot, OTHER);
      return isOlderByKey(small, "hot", written);
    });
    assertThat(stale).as("reads by key older than the last announced change").isZero();
    assertThat(small.size()).isLessThanOrEqualTo(4);
  }

  // ---- the bound keeps what is used --------------------------------------------------------------

  @Test
  void theBound_keepsFrequentlyReadCopies_throughAScanOfKeysReadOnce() {
    NearCache bounded = new NearCache(100, liveStream(new AtomicLong(1)));
    List<DigestKey> hot = java.util.stream.IntStream.range(0, 50).mapToObj(i -> digest(i, 1)).toList();
    for (int pass = 0; pass < 5; pass++) {
      for (DigestKey digest : hot) {
        if (bounded.get(digest, 0) == null) {
          bounded.complete(digest, bounded.begin(digest), bytes("hot"), StoredEntry.ETERNAL);
        }
      }
    }
    for (int i = 0; i < 1_000; i++) {
      DigestKey once = digest(i, 2);
      bounded.complete(once, bounded.begin(once), bytes("once"), StoredEntry.ETERNAL);
    }

    long kept = hot.stream().filter(digest -> bounded.get(digest, 0) != null).count();
    assertThat(kept).as("hot copies left after the scan").isGreaterThanOrEqualTo(45);
    assertThat(bounded.size()).isLessThanOrEqualTo(100);
  }

  @Test
  void aReadThatBeganBeforeInvalidateAll_installsNothing() {
    NearCache.Token token = near.begin(key);
    NearCache.PendingWrite pending = near.beginWrite(new DigestKey(new byte[] {9, 9, 9, 9}));

    near.invalidateAll();

    assertThat(near.complete(key, token, bytes("v"), StoredEntry.ETERNAL)).isNull();
    near.completeWrite(new DigestKey(new byte[] {9, 9, 9, 9}), pending, WRITER, bytes("v"), StoredEntry.ETERNAL,
        "instance", null);
    assertThat(near.size()).isZero();
  }

  private static DigestKey digest(int i, int space) {
    return new DigestKey(new byte[] {(byte) (i >>> 8), (byte) i, (byte) space, 0, 5, 5, 5, 5});
  }

  @Test
  void aWriter_neverReadsAnOlderValueByKey_afterItsInvalidationReturned_whileReadersInstallAndShare()
      throws Exception {
    AtomicInteger committed = new AtomicInteger();
    long stale = staleReadsWhileRacing(3, () -> readAndShare(near, key, committed, "k"), committed, written -> {
      near.invalidate(key);
      return isOlderByKey(near, "k", written);
    });
    assertThat(stale).as("reads by key older than the writer's own write").isZero();
  }

  @Test
  void aNotifiedChange_isNeverOutlivedByAnOlderCopy_whileReadersInstall() throws Exception {
    AtomicInteger committed = new AtomicInteger();
    Runnable read = () -> {
      NearCache.Token token = near.begin(key);
      int value = committed.get(); // what a read of PostgreSQL would return now
      near.complete(key, token, bytes(Integer.toString(value)), StoredEntry.ETERNAL);
    };
    // Another node's commit, then its notification: from then on no copy may hold a value from before.
    long stale = staleReadsWhileRacing(3, read, committed, written -> {
      near.onNotification(key, OTHER);
      NearCache.Entry seen = near.get(key, 0);
      return seen != null && Integer.parseInt(new String(seen.valueBytes(), StandardCharsets.UTF_8)) < written;
    });
    assertThat(stale).as("copies older than a change whose notification was heard").isZero();
  }

  @Test
  void hold_dropsTheCopy_andLetsNoReadInstall_untilTheHoldersNotification() {
    install(key, bytes("old"), StoredEntry.ETERNAL);

    near.hold(key, WRITER);
    assertThat(near.get(key, 0)).as("dropped at the change").isNull();
    assertThat(near.begin(key)).as("a read meanwhile installs nothing").isNull();

    near.onNotification(key, OTHER);
    assertThat(near.begin(key)).as("an earlier change's notification keeps the hold").isNull();

    near.onNotification(key, WRITER);
    install(key, bytes("new"), StoredEntry.ETERNAL);
    assertThat(near.get(key, 0)).as("cached again once the commit is announced").isNotNull();
  }

  @Test
  void hold_endsWithEverythingElse_atInvalidateAll() {
    near.hold(key, WRITER);
    near.invalidateAll();

    install(key, bytes("v"), StoredEntry.ETERNAL);
    assertThat(near.get(key, 0)).isNotNull();
  }

  /**
   * Races {@code readerCount} threads, each repeating {@code read}, with {@value #RACED_CHANGES} changes made by this
   * thread: each commits the next value of {@code committed}, then {@code changeIsStale} announces it and reports
   * whether a look right after still found a value from before. Returns how many did. The readers stop when the
   * changes are done, however fast the machine runs them.
   */
  private static long staleReadsWhileRacing(int readerCount, Runnable read, AtomicInteger committed,
      IntPredicate changeIsStale) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < readerCount; i++) {
      readers.add(new Thread(() -> {
        while (!stop.get()) {
          read.run();
        }
      }));
    }
    readers.forEach(Thread::start);
    long stale = 0;
    try {
      for (int i = 0; i < RACED_CHANGES; i++) {
        if (changeIsStale.test(committed.incrementAndGet())) {
          stale++;
        }
      }
    } finally {
      stop.set(true);
      for (Thread thread : readers) {
        thread.join();
      }
    }
    return stale;
  }

  /**
   * One read of {@code digest} that installs what PostgreSQL holds now (the value of {@code committed}) and shares it
   * under {@code callerKey}, unless a change since the read began forbids the install.
   */
  private static void readAndShare(NearCache cache, DigestKey digest, AtomicInteger committed, Object callerKey) {
    NearCache.Token token = cache.begin(digest);
    int value = committed.get();
    NearCache.Entry installed = cache.complete(digest, token, bytes("v" + value), StoredEntry.ETERNAL);
    if (installed != null) {
      cache.share(digest, installed, value, callerKey);
    }
  }

  /** Whether a read by {@code callerKey} now finds a value older than {@code written}. */
  private static boolean isOlderByKey(NearCache cache, Object callerKey, int written) {
    Object seen = cache.getShared(callerKey, () -> 0);
    return seen != null && (Integer) seen < written;
  }

  private static void installShared(NearCache cache, DigestKey digest, String value, Object indexKey) {
    cache.share(digest, cache.complete(digest, cache.begin(digest), bytes(value), StoredEntry.ETERNAL), value,
        indexKey);
  }

  /** A stream that is always live, in the generation the counter says. */
  private static NearCache.Stream liveStream(AtomicLong generation) {
    return new NearCache.Stream() {
      @Override
      public boolean isLive() {
        return true;
      }

      @Override
      public long generation() {
        return generation.get();
      }
    };
  }

  private void install(DigestKey digestKey, byte[] value, long expiresAt) {
    near.complete(digestKey, near.begin(digestKey), value, expiresAt);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
