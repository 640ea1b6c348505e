package io.pgjcache.hibernate.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import org.junit.jupiter.api.Test;

/** The READ_WRITE rules as pure functions: what each step leaves, and what a put from a load may replace. */
class ReadWriteRulesTest {
  private static final Comparator<Object> VERSIONS = Comparator.comparingInt(version -> (Integer) version);
  private static final long TIMEOUT = 1_000;
  private static final SoftLocked.Token A = new SoftLocked.Token("node-a", 1);
  private static final SoftLocked.Token B = new SoftLocked.Token("node-b", 1);

  @Test
  void twoLockers_eachHoldTheirOwnToken_andTheKeyStaysLockedUntilBothRelease() {
    SoftLocked locked = ReadWriteRules.lock(ReadWriteRules.lock(new CachedItem("v1", 1, 10), A, 100 + TIMEOUT), B,
        110 + TIMEOUT);
    assertThat(locked.holders()).containsExactlyInAnyOrder(A, B);
    assertThat(locked.concurrent()).isTrue();
    assertThat(locked.version()).isEqualTo(1);

    Object afterA = ReadWriteRules.afterUpdate(locked, A, "v2", 2, 120, 120 + TIMEOUT);
    assertThat(afterA).as("a concurrent update does not put its state").isInstanceOf(SoftLocked.class);
    assertThat(((SoftLocked) afterA).holders()).containsExactly(B);
    assertThat(ReadWriteRules.mayPutFromLoad(afterA, 130, 3, VERSIONS)).isFalse();

    Object afterB = ReadWriteRules.afterUpdate(afterA, B, "v3", 3, 140, 140 + TIMEOUT);
    assertThat(((SoftLocked) afterB).holders()).isEmpty();
    assertThat(((SoftLocked) afterB).releasedAt()).isEqualTo(140);
  }

  @Test
  void aLoneUpdate_putsItsState() {
    SoftLocked locked = ReadWriteRules.lock(null, A, 100 + TIMEOUT);
    assertThat(ReadWriteRules.afterUpdate(locked, A, "v2", 2, 120, 120 + TIMEOUT))
        .isEqualTo(new CachedItem("v2", 2, 120));
  }

  @Test
  void aLoad_mayFillAnEmptyKey_orReplaceAnOlderVersion_butNeverANewerOne() {
    assertThat(ReadWriteRules.mayPutFromLoad(null, 100, 1, VERSIONS)).isTrue();
    assertThat(ReadWriteRules.mayPutFromLoad(new CachedItem("v2", 2, 50), 100, 3, VERSIONS)).isTrue();
    assertThat(ReadWriteRules.mayPutFromLoad(new CachedItem("v2", 2, 50), 100, 1, VERSIONS)).isFalse();
    assertThat(ReadWriteRules.mayPutFromLoad(new CachedItem("v2", 2, 50), 100, 2, VERSIONS)).isFalse();
    assertThat(ReadWriteRules.mayPutFromLoad(new CachedItem("v", null, 50), 100, null, null)).isFalse();
  }

  @Test
  void aHeldLock_refusesLoads_untilItTimesOut() {
    SoftLocked locked = ReadWriteRules.lock(null, A, 100 + TIMEOUT);
    assertThat(ReadWriteRules.mayPutFromLoad(locked, 200, 5, VERSIONS)).isFalse();
    assertThat(ReadWriteRules.mayPutFromLoad(locked, 100 + TIMEOUT + 1, 5, VERSIONS)).isTrue();
  }

  @Test
  void aReleasedLockWithoutVersion_refusesLoadsThatBeganBeforeTheRelease() {
    SoftLocked released = ReadWriteRules.release(ReadWriteRules.lock(null, A, 100 + TIMEOUT), A, 150,
        150 + TIMEOUT);
    assertThat(ReadWriteRules.mayPutFromLoad(released, 140, null, null)).isFalse();
    assertThat(ReadWriteRules.mayPutFromLoad(released, 160, null, null)).isTrue();
  }

  @Test
  void aReleaseByATokenThatNoLongerHoldsTheKey_leavesALockReleasedNow() {
    SoftLocked heldByB = ReadWriteRules.lock(null, B, 100 + TIMEOUT);
    SoftLocked afterA = ReadWriteRules.release(heldByB, A, 150, 150 + TIMEOUT);
    assertThat(afterA.holders()).isEmpty();
    assertThat(afterA.releasedAt()).isEqualTo(150);
  }

  @Test
  void onlyAnItemCachedBeforeTheTransactionBegan_isReadable() {
    assertThat(ReadWriteRules.readable(new CachedItem("v", 1, 100), 101)).isEqualTo("v");
    assertThat(ReadWriteRules.readable(new CachedItem("v", 1, 100), 100)).isNull();
    assertThat(ReadWriteRules.readable(ReadWriteRules.lock(null, A, 200), 300)).isNull();
  }
}
