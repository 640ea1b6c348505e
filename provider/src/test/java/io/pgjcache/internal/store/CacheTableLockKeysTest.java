package io.pgjcache.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.internal.codec.DigestKey;
import io.pgjcache.internal.codec.EncodedKey;
import io.pgjcache.internal.codec.KeyDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order in which a statement that writes many keys takes their advisory locks: every node must agree on it. */
class CacheTableLockKeysTest {
  @Test
  void lockKeys_areAscendingAndDistinct_whateverTheOrderAndRepetitionOfTheDigests() {
    List<byte[]> digests = new ArrayList<>();
    for (int i = 300; i > 0; i--) {
      byte[] digest = KeyDigest.of(("key " + i % 120).getBytes(StandardCharsets.UTF_8));
      digests.add(digest);
    }
    // Two digests that differ only after the bytes a lock key is drawn from share one lock.
    digests.add(new byte[] {(byte) 0x80, 0, 0, 1, 1});
    digests.add(new byte[] {(byte) 0x80, 0, 0, 1, 2});
    digests.add(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0});

    int[] locks = CacheTable.lockKeys(digests.stream().map(CacheTableLockKeysTest::keyWithDigest).toList());

    int[] expected = digests.stream().mapToInt(KeyDigest::lockKey).sorted().distinct().toArray();
    assertThat(locks).containsExactly(expected);
    assertThat(locks).hasSize(122).startsWith(0x80000001).endsWith(0x7fffffff);
  }

  @Test
  void lockKeys_ofNoDigests_areNone() {
    assertThat(CacheTable.lockKeys(List.of())).isEmpty();
  }

  private static EncodedKey keyWithDigest(byte[] digest) {
    byte[] bytes = {1};
    return new EncodedKey(bytes, bytes, digest, new DigestKey(digest), null);
  }
}
