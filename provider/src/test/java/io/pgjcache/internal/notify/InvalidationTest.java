package io.pgjcache.internal.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.internal.codec.DigestKey;
import io.pgjcache.internal.codec.KeyDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidationTest {
  private static final byte[] DIGEST = KeyDigest.of(new byte[] {1, 2});
  private static final String B64 = Base64.getEncoder().encodeToString(DIGEST);

  @Test
  void parsesWhatTheTriggersWrite() {
    assertThat(Invalidation.parse("7 *")).isEqualTo(new Invalidation(7, null, 0));
    assertThat(Invalidation.parse("7 " + B64 + " " + B64).keys())
        .containsExactly(new DigestKey(DIGEST), new DigestKey(DIGEST));
  }

  @Test
  void keepsTheDigestsOfAPayload_skippingTokensThatAreNotDigests() {
    Invalidation parsed = Invalidation.parse("7 " + B64 + " !!! " + Base64.getEncoder().encodeToString(new byte[5]));
    assertThat(parsed.keys()).containsExactly(new DigestKey(DIGEST));
    assertThat(parsed.skipped()).isEqualTo(2);
  }

  @Test
  void refusesPayloadsThatNameNoCacheOrNoKey() {
    for (String payload : List.of("", "7", "x *", "-1 *", "0 *", "99999999999 *", "7 ", "7 !!!", "7  ", "7 * *")) {
      assertThatThrownBy(() -> Invalidation.parse(payload)).as("'%s'", payload)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void malformedNotifications_areCounted() {
    MalformedNotifications malformed = new MalformedNotifications("m");
    for (int i = 0; i < 1000; i++) {
      malformed.drop("c", "junk\u0000" + i, 42, "test");
    }
    assertThat(malformed.count()).isEqualTo(1000);
  }
}
