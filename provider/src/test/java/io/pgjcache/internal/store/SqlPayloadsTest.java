package io.pgjcache.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.internal.codec.KeyDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SqlPayloadsTest {
  private static List<byte[]> digests(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> KeyDigest.of(("key-" + i).getBytes(StandardCharsets.UTF_8))).toList();
  }

  @Test
  void namesEveryDigestInOrder_inTheTriggersForm_upToTheKeysOfOnePayloadEach() {
    List<byte[]> digests = digests(Sql.KEYS_PER_PAYLOAD * 2 + 1);

    String[] payloads = Sql.payloads(7, digests);

    assertThat(payloads).hasSize(3);
    List<byte[]> named = new ArrayList<>();
    for (String payload : payloads) {
      assertThat(payload).startsWith("7 ").doesNotContain("  ").doesNotEndWith(" ");
      // PostgreSQL refuses payloads of 8000 bytes or more.
      assertThat(payload.length()).isLessThan(8000);
      String[] tokens = payload.substring(2).split(" ");
      assertThat(tokens.length).isLessThanOrEqualTo(Sql.KEYS_PER_PAYLOAD);
      Arrays.stream(tokens).map(Base64.getDecoder()::decode).forEach(named::add);
    }
    assertThat(named).containsExactlyElementsOf(digests);
    assertThat(payloads[2].substring(2).split(" ")).hasSize(1);
  }

  @Test
  void aSingleKey_isOnePayload() {
    byte[] digest = digests(1).get(0);
    assertThat(Sql.payloads(12, List.of(digest)))
        .containsExactly("12 " + Base64.getEncoder().encodeToString(digest));
  }
}
