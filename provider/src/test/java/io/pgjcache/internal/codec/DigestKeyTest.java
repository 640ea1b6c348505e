package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DigestKeyTest {
  @Test
  void equalDigests_areEqualKeys_withTheHashOfTheirFirstFourBytes() {
    byte[] digest = KeyDigest.of(new byte[] {1, 'k'});
    DigestKey key = new DigestKey(digest);
    DigestKey same = new DigestKey(digest.clone());

    assertThat(key).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(key.hashCode()).isEqualTo(KeyDigest.lockKey(digest));
    assertThat(key).isNotEqualTo(new DigestKey(KeyDigest.of(new byte[] {1, 'j'})));
  }

  @Test
  void digestsThatShareTheirFirstFourBytes_areStillDifferentKeys() {
    byte[] one = {9, 9, 9, 9, 1};
    byte[] two = {9, 9, 9, 9, 2};

    assertThat(new DigestKey(one)).hasSameHashCodeAs(new DigestKey(two)).isNotEqualTo(new DigestKey(two));
  }

  @Test
  void aShortDigest_fromANotificationSomeoneElseSent_isStillAKey() {
    assertThat(new DigestKey(new byte[] {7})).isEqualTo(new DigestKey(new byte[] {7}));
    assertThat(new DigestKey(new byte[0]).toString()).isEqualTo("DigestKey[]");
  }
}
