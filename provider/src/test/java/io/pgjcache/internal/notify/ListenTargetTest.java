package io.pgjcache.internal.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenTargetTest {

  @Test
  void fromJdbcUrl_readsHostPortDatabaseAndCredentials() {
    ListenTarget target = ListenTarget.fromJdbcUrl(
        "jdbc:postgresql://db.example.com:6543/orders?user=app&password=secret&ApplicationName=x", null, null);

    assertThat(target).isEqualTo(new ListenTarget("db.example.com", 6543, "orders", "app", "secret"));
  }

  @Test
  void fromJdbcUrl_defaultsToPort5432_andToTheUsersDatabase() {
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://db", "app", null))
        .isEqualTo(new ListenTarget("db", 5432, "app", "app", null));
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://db:/?user=app", null, null))
        .isEqualTo(new ListenTarget("db", 5432, "app", "app", null));
  }

  @Test
  void fromJdbcUrl_defaultsToLocalhost_whenTheUrlNamesNoHost() {
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql:///cache", "app", null).host()).isEqualTo("localhost");
  }

  @Test
  void explicitCredentials_winOverTheUrlParameters() {
    ListenTarget target =
        ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?user=url-user&password=url-password", "me", "mine");

    assertThat(target.user()).isEqualTo("me");
    assertThat(target.password()).isEqualTo("mine");
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?password=url-password", "me", null).password())
        .isEqualTo("url-password");
  }

  @Test
  void fromJdbcUrl_usesTheFirstHostOfAList() {
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://primary:5433,standby:5434/cache", "app", null))
        .isEqualTo(new ListenTarget("primary", 5433, "cache", "app", null));
  }

  @Test
  void fromJdbcUrl_readsBracketedIpv6Addresses() {
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://[::1]:5433/cache", "app", null))
        .isEqualTo(new ListenTarget("::1", 5433, "cache", "app", null));
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://[::1],[::2]:5433/cache", "app", null))
        .isEqualTo(new ListenTarget("::1", 5432, "cache", "app", null));
  }

  @Test
  void fromJdbcUrl_percentDecodesParameterValuesAndTheDatabase() {
    ListenTarget target =
        ListenTarget.fromJdbcUrl("jdbc:postgresql://db/my%20cache?user=%C3%A9mile&password=p%40ss%26w%3Drd", null, null);

    assertThat(target.database()).isEqualTo("my cache");
    assertThat(target.user()).isEqualTo("\u00e9mile");
    assertThat(target.password()).isEqualTo("p@ss&w=rd");
  }

  @Test
  void fromJdbcUrl_readsTheSslModeAsPgjdbcDoes() {
    Map<String, ListenSsl.Mode> expected = new LinkedHashMap<>();
    expected.put("", ListenSsl.Mode.PREFER);
    expected.put("?ssl=false", ListenSsl.Mode.DISABLE);
    expected.put("?ssl=true", ListenSsl.Mode.VERIFY_FULL);
    expected.put("?ssl", ListenSsl.Mode.VERIFY_FULL);
    expected.put("?sslmode=disable", ListenSsl.Mode.DISABLE);
    expected.put("?sslmode=allow", ListenSsl.Mode.ALLOW);
    expected.put("?sslmode=prefer", ListenSsl.Mode.PREFER);
    expected.put("?sslmode=REQUIRE", ListenSsl.Mode.REQUIRE);
    expected.put("?sslmode=verify-ca", ListenSsl.Mode.VERIFY_CA);
    expected.put("?ssl=true&sslmode=disable", ListenSsl.Mode.DISABLE);
    expected.put("?ssl=false&sslmode=verify-full", ListenSsl.Mode.VERIFY_FULL);
    expected.forEach((query, mode) -> assertThat(
        ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache" + query, "app", null).ssl().mode())
        .as(query).isEqualTo(mode));
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?sslmode=verify-ca&sslrootcert=%2Fetc%2Froot.crt",
        "app", null).ssl().rootCertFile()).isEqualTo("/etc/root.crt");
  }

  @Test
  void fromJdbcUrl_refusesSslItCannotHonour_namingTheParameter_withoutRevealingThePassword() {
    Map<String, String> refused = Map.of(
        "sslmode=verify-everything", "sslmode verify-everything",
        "sslmode=require&sslcert=%2Fhome%2Fapp%2Fclient.crt", "sslcert",
        "sslmode=require&sslkey=%2Fhome%2Fapp%2Fclient.key", "sslkey",
        "sslfactory=org.postgresql.ssl.NonValidatingFactory", "sslfactory");
    refused.forEach((parameters, named) ->
        assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?password=hunter2&" + parameters,
            "app", null))
            .as(parameters)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(named)
            .hasMessageNotContaining("hunter2"));
  }

  @Test
  void fromJdbcUrl_rejectsUrlsItCannotUse_withoutRevealingThePassword() {
    assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:mysql://db/cache", "app", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql://");
    assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?password=hunter2", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no user")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:postgresql://db:70000/cache", "app", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?password=hun%zzter2", "app", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("password")
        .hasMessageNotContaining("hun");
  }

  @Test
  void toString_masksThePassword() {
    assertThat(new ListenTarget("db", 5432, "cache", "app", "hunter2").toString())
        .contains("db", "5432", "cache", "app")
        .doesNotContain("hunter2");
  }
}
