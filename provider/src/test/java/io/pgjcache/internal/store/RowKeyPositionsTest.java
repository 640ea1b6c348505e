package io.pgjcache.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.internal.codec.KeyDigest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Where each row of a batched read belongs: at the position of its row key in the request. */
class RowKeyPositionsTest {
  @Test
  void positionOf_findsEveryDigestAskedFor_andNoOther() {
    byte[][] digests = new byte[100][];
    for (int i = 0; i < digests.length; i++) {
      digests[i] = digest("key " + i);
    }
    RowKeyPositions positions = new RowKeyPositions(digests);

    for (int i = 0; i < digests.length; i++) {
      // A row brings its own copy of the digest.
      assertThat(positions.positionOf(digests[i].clone())).isEqualTo(i);
      assertThat(positions.firstSameAs(i)).isEqualTo(i);
    }
    assertThat(positions.positionOf(digest("key 100"))).isEqualTo(-1);
  }

  @Test
  void digestsThatShareTheirHashBytes_areToldApart() {
    byte[][] digests = {{1, 2, 3, 4, 5}, {1, 2, 3, 4, 6}, {1, 2, 3, 4, 7}, {9}, {}};
    RowKeyPositions positions = new RowKeyPositions(digests);

    assertThat(positions.positionOf(new byte[] {1, 2, 3, 4, 6})).isEqualTo(1);
    assertThat(positions.positionOf(new byte[] {1, 2, 3, 4, 7})).isEqualTo(2);
    assertThat(positions.positionOf(new byte[] {1, 2, 3, 4, 5})).isZero();
    assertThat(positions.positionOf(new byte[] {9})).isEqualTo(3);
    assertThat(positions.positionOf(new byte[0])).isEqualTo(4);
    assertThat(positions.positionOf(new byte[] {1, 2, 3, 4, 8})).isEqualTo(-1);
  }

  @Test
  void keysThatEncodeAlike_takeTheFirstOnesRow() {
    byte[][] digests = {digest("a"), digest("b"), digest("a"), digest("b"), digest("a")};
    RowKeyPositions positions = new RowKeyPositions(digests);

    assertThat(positions.positionOf(digest("a"))).isZero();
    assertThat(positions.positionOf(digest("b"))).isEqualTo(1);
    assertThat(new int[] {positions.firstSameAs(0), positions.firstSameAs(1), positions.firstSameAs(2),
        positions.firstSameAs(3), positions.firstSameAs(4)}).containsExactly(0, 1, 0, 1, 0);
  }

  @Test
  void shortKeysThatShareTheirFirstBytes_areFoundEachInItsPlace() {
    byte[][] rowKeys = new byte[100][];
    for (int i = 0; i < rowKeys.length; i++) {
      rowKeys[i] = ("key:" + i).getBytes(StandardCharsets.UTF_8);
    }
    RowKeyPositions positions = new RowKeyPositions(rowKeys);

    for (int i = 0; i < rowKeys.length; i++) {
      assertThat(positions.positionOf(rowKeys[i].clone())).isEqualTo(i);
    }
    assertThat(positions.positionOf("key:100".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
  }

  @Test
  void noDigests_findNothing() {
    assertThat(new RowKeyPositions(new byte[0][]).positionOf(digest("a"))).isEqualTo(-1);
  }

  private static byte[] digest(String key) {
    return KeyDigest.of(key.getBytes(StandardCharsets.UTF_8));
  }
}
