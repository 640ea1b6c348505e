package io.pgjcache.internal.near;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.internal.store.DigestKey;
import io.pgjcache.internal.store.StoredEntry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class NearCacheTest {
  private static final int WRITER = 4711;
  private static final int OTHER = 815;

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

  /** A caller key whose hash code, once armed, blocks the thread that asks for it until released. */
  private static final class BlockingKey {
    final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch blocked = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public int hashCode() {
      if (armed.compareAndSet(true, false)) {
        blocked.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return 42;
    }
  }

  @Test
  void aShrinkThatFallsBehind_neverDropsANewerCopy_thatANotificationThenCouldNotReach() throws Exception {
    NearCache small = new NearCache(2, liveStream(new AtomicLong(1)));
    DigestKey first = new DigestKey(new byte[] {0, 0, 0, 1, 9, 9, 9, 9});
    DigestKey hot = new DigestKey(new byte[] {0, 0, 0, 2, 9, 9, 9, 9});
    DigestKey third = new DigestKey(new byte[] {0, 0, 0, 3, 9, 9, 9, 9});
    BlockingKey firstKey = new BlockingKey();
    installShared(small, first, "first", firstKey);
    installShared(small, hot, "v1", "hot");
    firstKey.armed.set(true);
    // A third copy makes the cache shrink; the shrink stops while dropping the first copy, before hot's.
    Thread shrinker = new Thread(() -> small.complete(third, small.begin(third), bytes("third"), StoredEntry.ETERNAL));
    shrinker.start();
    assertThat(firstKey.blocked.await(10, TimeUnit.SECONDS)).isTrue();

    small.onNotification(hot, OTHER);
    installShared(small, hot, "v2", "hot");
    firstKey.release.countDown();
    shrinker.join();
    small.onNotification(hot, OTHER);

    assertThat(small.getShared("hot", () -> 0)).as("hot after its last change was announced").isNull();
  }

  @Test
  void aWriter_neverReadsAnOlderValueByKey_afterItsInvalidationReturned_whileReadersInstallAndShare()
      throws Exception {
    AtomicInteger committed = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    Runnable reader = () -> {
      while (!stop.get()) {
        NearCache.Token token = near.begin(key);
        int read = committed.get(); // what a read of PostgreSQL would return now
        NearCache.Entry installed = near.complete(key, token, bytes("v" + read), StoredEntry.ETERNAL);
        if (installed != null) {
          near.share(key, installed, read, "k");
        }
      }
    };
    List<Thread> readers = List.of(new Thread(reader), new Thread(reader), new Thread(reader));
    readers.forEach(Thread::start);
    long stale = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    try {
      while (System.nanoTime() < deadline) {
        int written = committed.incrementAndGet();
        near.invalidate(key);
        Object seen = near.getShared("k", () -> 0);
        if (seen != null && (Integer) seen < written) {
          stale++;
        }
      }
    } finally {
      stop.set(true);
      for (Thread thread : readers) {
        thread.join();
      }
    }
    assertThat(stale).as("reads by key older than the writer's own write").isZero();
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
