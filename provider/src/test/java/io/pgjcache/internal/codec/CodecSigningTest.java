package io.pgjcache.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.configuration.Setting;
import java.io.Serializable;
import java.util.List;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Signing works with every codec that stores exact bytes, and is refused with json, whose jsonb column does not. */
class CodecSigningTest {
  private static final Signer SIGNER = Signer.of("a-signing-key-for-codec-tests-0123456789", null);

  record Point(int x, int y) implements Serializable {
  }

  private static CacheCodec<String, Object> signed(String name) {
    Codecs codecs = new Codecs(Setting.SERIAL_FILTER.defaultValue().orElseThrow() + ";" + Point.class.getName(), null,
        name);
    return new CacheCodec<>("signed", new ManagerCodec(codecs, 65536, 1 << 26, SIGNER), name,
        CodecSigningTest.class::getClassLoader, String.class, Object.class, null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "kryo"})
  void signedValues_roundTrip_andAChangedByteIsRefusedBeforeDecoding(String name) {
    CacheCodec<String, Object> codec = signed(name);
    EncodedKey key = codec.encodeKey("k");
    byte[] stored = codec.encodeValue(List.of(new Point(1, 2)), key);

    assertThat(codec.decodeValue(stored, key.digest())).isEqualTo(List.of(new Point(1, 2)));
    stored[1] ^= 1;
    assertThatThrownBy(() -> codec.decodeValue(stored, key.digest())).isInstanceOf(CacheException.class)
        .hasMessageContaining("before decoding");
  }

  @Test
  void json_withASigningKey_isRefused_namingBoth() {
    assertThatThrownBy(() -> signed("json")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("json codec").hasMessageContaining(Setting.SIGNING_KEY.key());
  }
}
