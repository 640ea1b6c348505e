package io.pgjcache.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.internal.codec.Signer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
  private static final String PASSWORD = "s3cr3t-Pa55";

  @Test
  void maskUrl_masksPasswordParameter_wherever_itIsInTheQuery() {
    String[] urls = {
        "jdbc:postgresql://localhost:5432/app?password=" + PASSWORD,
        "jdbc:postgresql://localhost:5432/app?user=app&password=" + PASSWORD + "&ssl=true",
        "jdbc:postgresql://localhost:5432/app?user=app&PASSWORD=" + PASSWORD,
        "jdbc:postgresql://localhost:5432/app;password=" + PASSWORD + ";user=app",
    };
    for (String url : urls) {
      String masked = Secrets.maskUrl(url);

      assertThat(masked).as(url).doesNotContain(PASSWORD).containsIgnoringCase("password=" + Secrets.MASK);
    }
    assertThat(Secrets.maskUrl(urls[1]))
        .isEqualTo("jdbc:postgresql://localhost:5432/app?user=app&password=****&ssl=true");
  }

  @Test
  void maskUrl_masksEveryParameterThatHoldsAPassword() {
    // pgjdbc's sslpassword unlocks the client's private key: as secret as the login password.
    String url = "jdbc:postgresql://localhost/app?sslmode=verify-full&sslpassword=" + PASSWORD + "&user=app";

    assertThat(Secrets.maskUrl(url))
        .isEqualTo("jdbc:postgresql://localhost/app?sslmode=verify-full&sslpassword=****&user=app");
  }

  @Test
  void maskUrl_masksPasswordInTheAuthority() {
    String url = "jdbc:postgresql://app:" + PASSWORD + "@db.example:5432/app?ssl=true";

    assertThat(Secrets.maskUrl(url)).isEqualTo("jdbc:postgresql://app:****@db.example:5432/app?ssl=true");
  }

  @Test
  void maskUrl_leavesUrlsWithoutPasswordsAlone() {
    String[] urls = {
        "jdbc:postgresql://localhost:5432/app?user=app",
        "jdbc:postgresql://db1:5432,db2:5433/app?targetServerType=primary",
        "jdbc:postgresql://app@localhost/app",
        "jdbc:postgresql:app",
    };
    for (String url : urls) {
      assertThat(Secrets.maskUrl(url)).isEqualTo(url);
    }
    assertThat(Secrets.maskUrl(null)).isNull();
  }

  @Test
  void hasUserInfo_findsUserBeforeTheHost_only() {
    assertThat(Secrets.hasUserInfo("jdbc:postgresql://app:" + PASSWORD + "@localhost/app")).isTrue();
    assertThat(Secrets.hasUserInfo("jdbc:postgresql://app@localhost/app")).isTrue();
    assertThat(Secrets.hasUserInfo("jdbc:postgresql://localhost/app?user=app&password=a@b")).isFalse();
    assertThat(Secrets.hasUserInfo("jdbc:postgresql://localhost?password=//a@b")).isFalse();
    assertThat(Secrets.hasUserInfo("jdbc:postgresql:app?password=//a@b")).isFalse();
    assertThat(Secrets.hasUserInfo(null)).isFalse();
  }

  @Test
  void managerSettingsToString_masksPasswordsAndSigningKeys() {
    String signingKey = "signing-key-" + PASSWORD + "-0123456789";
    String previousKey = "previous-key-" + PASSWORD + "-0123456789";
    ManagerSettings settings = new ManagerSettings(
        "jdbc:postgresql://localhost/app?user=app&password=" + PASSWORD, "app", PASSWORD, null, "jcache", true, 8,
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(1), 1000, "maxdepth=5", 65536, 1 << 26,
        Signer.of(signingKey, previousKey), "java", null, "jdbc:postgresql://db/app?password=" + PASSWORD, true, 100,
        Map.of());

    String text = settings.toString();

    assertThat(text).doesNotContain(PASSWORD).contains("password=" + Secrets.MASK).contains("user=app")
        .doesNotContain(signingKey).doesNotContain(previousKey).contains("signing with 2 key(s)");
  }

  @Test
  void managerSettingsToString_showsNoPassword_whenNoneIsSet() {
    ManagerSettings settings = new ManagerSettings(null, null, null, null, "jcache", true, 8,
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(1), 1000, "maxdepth=5", 65536, 1 << 26,
        Signer.NONE, "java", null, null, true, 100, Map.of());

    assertThat(settings.toString()).contains("password=null").doesNotContain(Secrets.MASK);
  }
}
