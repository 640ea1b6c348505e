package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SignerTest {
  private static final String OLD_KEY = "old-signing-key-0123456789abcdefghijklmnop";
  private static final String NEW_KEY = "new-signing-key-0123456789abcdefghijklmnop";
  private static final byte[] PAYLOAD = "payload".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DIGEST = KeyDigest.of(PAYLOAD);
  private static final byte[] OTHER_DIGEST = KeyDigest.of(new byte[] {1});

  private final Signer signer = Signer.of(NEW_KEY, null).forCache("orders");

  @Test
  void aSignedValue_verifiesToItsPayload_whichStaysAPrefix() {
    byte[] signed = signer.signValue(DIGEST, PAYLOAD);

    assertThat(signed).hasSize(PAYLOAD.length + Signer.TRAILER_LENGTH).startsWith(PAYLOAD);
    assertThat(signed[PAYLOAD.length]).isEqualTo(Signer.VERSION);
    assertThat(signer.verifyValue(DIGEST, signed)).isEqualTo(PAYLOAD);
    assertThat(signer.verifyKey(signer.signKey(PAYLOAD))).isEqualTo(PAYLOAD);
  }

  @Test
  void anEmptyPayload_isSignedAndVerified() {
    assertThat(signer.verifyKey(signer.signKey(new byte[0]))).isEmpty();
  }

  @Test
  void everyChangedByte_isRefused() {
    byte[] signed = signer.signValue(DIGEST, PAYLOAD);
    for (int i = 0; i < signed.length; i++) {
      byte[] tampered = signed.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> signer.verifyValue(DIGEST, tampered)).as("byte %d changed", i)
          .isInstanceOf(Signer.InvalidSignatureException.class).hasMessageContaining("signature is");
    }
  }

  @Test
  void truncatedBytes_areRefused_atEveryLength() {
    byte[] signed = signer.signKey(PAYLOAD);
    for (int length = 0; length < signed.length; length++) {
      byte[] truncated = Arrays.copyOf(signed, length);
      assertThatThrownBy(() -> signer.verifyKey(truncated)).as("length %d", length)
          .isInstanceOf(Signer.InvalidSignatureException.class);
    }
    assertThatThrownBy(() -> signer.verifyKey(new byte[3])).hasMessageContaining("signature is missing");
  }

  @Test
  void anotherVersion_isRefusedAsMissing() {
    byte[] signed = signer.signKey(PAYLOAD);
    signed[PAYLOAD.length] = Signer.VERSION + 1;

    assertThatThrownBy(() -> signer.verifyKey(signed))
        .isInstanceOf(Signer.InvalidSignatureException.class).hasMessageContaining("signature is missing");
  }

  @Test
  void unsignedBytes_areRefusedAsMissing() {
    byte[] unsigned = "a value as written without signing, long enough for a trailer's length"
        .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> signer.verifyValue(DIGEST, unsigned))
        .hasMessageContaining("signature is missing").hasMessageContaining(Setting.SIGNING_KEY.key());
  }

  @Test
  void aValueUnderAnotherKeyDigest_isRefused() {
    byte[] signed = signer.signValue(DIGEST, PAYLOAD);

    assertThatThrownBy(() -> signer.verifyValue(OTHER_DIGEST, signed))
        .isInstanceOf(Signer.InvalidSignatureException.class).hasMessageContaining("signature is invalid");
  }

  @Test
  void aKeysTag_doesNotPassAsAValues_andTheOtherWayRound() {
    assertThatThrownBy(() -> signer.verifyValue(DIGEST, signer.signKey(PAYLOAD)))
        .isInstanceOf(Signer.InvalidSignatureException.class);
    assertThatThrownBy(() -> signer.verifyKey(signer.signValue(DIGEST, PAYLOAD)))
        .isInstanceOf(Signer.InvalidSignatureException.class);
  }

  @Test
  void bytesOfAnotherCache_areRefused() {
    byte[] signed = Signer.of(NEW_KEY, null).forCache("invoices").signKey(PAYLOAD);

    assertThatThrownBy(() -> signer.verifyKey(signed)).hasMessageContaining("signature is invalid");
  }

  @Test
  void rotation_theNewKeySigns_andThePreviousStillVerifies() {
    Signer old = Signer.of(OLD_KEY, null).forCache("orders");
    Signer rotating = Signer.of(NEW_KEY, OLD_KEY).forCache("orders");
    byte[] writtenBefore = old.signValue(DIGEST, PAYLOAD);
    byte[] writtenAfter = rotating.signValue(DIGEST, PAYLOAD);

    assertThat(rotating.verifyValue(DIGEST, writtenBefore)).isEqualTo(PAYLOAD);
    assertThat(writtenAfter).isEqualTo(signer.signValue(DIGEST, PAYLOAD));
    assertThat(signer.verifyValue(DIGEST, writtenAfter)).isEqualTo(PAYLOAD);
    assertThatThrownBy(() -> signer.verifyValue(DIGEST, writtenBefore))
        .hasMessageContaining("a key this node does not hold").hasMessageContaining(Setting.PREVIOUS_SIGNING_KEY.key());
  }

  @Test
  void withoutAKey_bytesPassUnchanged() {
    assertThat(Signer.of(null, null)).isSameAs(Signer.NONE);
    Signer none = Signer.NONE.forCache("orders");

    assertThat(none.isEnabled()).isFalse();
    assertThat(none.signValue(DIGEST, PAYLOAD)).isSameAs(PAYLOAD);
    assertThat(none.signKey(PAYLOAD)).isSameAs(PAYLOAD);
    assertThat(none.verifyValue(DIGEST, PAYLOAD)).isSameAs(PAYLOAD);
  }

  @Test
  void aShortKey_orAPreviousKeyAlone_failsWithoutShowingTheKey() {
    assertThatThrownBy(() -> Signer.of("short-secret", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Setting.SIGNING_KEY.key())
        .hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> Signer.of(NEW_KEY, "short-secret"))
        .hasMessageContaining(Setting.PREVIOUS_SIGNING_KEY.key()).hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> Signer.of(null, OLD_KEY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(OLD_KEY);
    assertThat(Signer.of(NEW_KEY, OLD_KEY).toString()).doesNotContain(NEW_KEY).doesNotContain(OLD_KEY);
  }
}
