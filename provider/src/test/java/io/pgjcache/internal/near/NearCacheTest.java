package io.pgjcache.internal.near;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.internal.store.DigestKey;
import io.pgjcache.internal.store.StoredEntry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class NearCacheTest {
  private static final NearCache.Stream LIVE = new NearCache.Stream() {
    @Override
    public boolean isLive() {
      return true;
    }

    @Override
    public long generation() {
      return 1;
    }
  };

  private final NearCache near = new NearCache(100, LIVE);
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

    near.share(key, copy, "v");

    assertThat(near.get(key, 0).shared()).isEqualTo("v");
    assertThat(near.get(key, 0).valueBytes()).isSameAs(copy.valueBytes());
  }

  @Test
  void share_keepsNothing_whenTheCopyWasInvalidatedMeanwhile() {
    install(key, bytes("v"), StoredEntry.ETERNAL);
    NearCache.Entry copy = near.get(key, 0);

    near.invalidate(key);
    near.share(key, copy, "v");

    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void share_keepsNothing_whenAnotherCopyReplacedItMeanwhile() {
    install(key, bytes("old"), StoredEntry.ETERNAL);
    NearCache.Entry old = near.get(key, 0);
    near.invalidate(key);
    install(key, bytes("new"), StoredEntry.ETERNAL);

    near.share(key, old, "old");

    assertThat(near.get(key, 0).shared()).isNull();
    assertThat(near.get(key, 0).valueBytes()).isEqualTo(bytes("new"));
  }

  @Test
  void invalidate_dropsASharedCopy() {
    install(key, bytes("v"), StoredEntry.ETERNAL);
    near.share(key, near.get(key, 0), "v");

    near.invalidate(key);

    assertThat(near.get(key, 0)).isNull();
  }

  @Test
  void aCopy_equalsItsSharedVariant_soTakingTheCopyBackTakesTheVariantBack() {
    byte[] value = bytes("v");
    NearCache.Entry copy = new NearCache.Entry(value, 5, null);
    NearCache.Entry shared = new NearCache.Entry(value, 5, "v");

    assertThat(shared).isEqualTo(copy).hasSameHashCodeAs(copy);
    assertThat(new NearCache.Entry(bytes("v"), 5, null)).as("equal bytes, another copy").isNotEqualTo(copy);
  }

  private void install(DigestKey digestKey, byte[] value, long expiresAt) {
    near.complete(digestKey, near.begin(digestKey), value, expiresAt);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
