package io.pgjcache.internal.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.internal.notify.ListenTarget.Address;
import io.pgjcache.testing.LogCapture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.postgresql.jdbc.SslMode;

class ListenTargetTest {

  @Test
  void fromJdbcUrl_readsHostPortDatabaseAndCredentials() {
    ListenTarget target = ListenTarget.fromJdbcUrl(
        "jdbc:postgresql://db.example.com:6543/orders?user=app&password=secret&ApplicationName=x", null, null);

    assertThat(target.addresses()).containsExactly(new Address("db.example.com", 6543));
    assertThat(target.database()).isEqualTo("orders");
    assertThat(target.user()).isEqualTo("app");
    assertThat(target.password()).isEqualTo("secret");
  }

  @Test
  void fromJdbcUrl_defaultsToPort5432_andToTheUsersDatabase() {
    ListenTarget target = ListenTarget.fromJdbcUrl("jdbc:postgresql://db/", "app", null);

    assertThat(target.addresses()).containsExactly(new Address("db", 5432));
    assertThat(target.database()).isEqualTo("app");
    assertThat(target.password()).isNull();
  }

  @Test
  void credentials_comeFromTheSettings_orFromTheUrl_whichWinsAsItDoesForThePool() {
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache", "me", "mine"))
        .extracting(ListenTarget::user, ListenTarget::password).containsExactly("me", "mine");
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?password=url-password", "me", null))
        .extracting(ListenTarget::user, ListenTarget::password).containsExactly("me", "url-password");
    // pgjdbc lets the URL's parameters win over the properties the pool hands it beside the URL.
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?user=url-user&password=url-password", "me",
        "mine")).extracting(ListenTarget::user, ListenTarget::password).containsExactly("url-user", "url-password");
  }

  @Test
  void fromJdbcUrl_keepsEveryHostInOrder_withBracketedIpv6Addresses() {
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://primary:5433,standby/cache", "app", null).addresses())
        .containsExactly(new Address("primary", 5433), new Address("standby", 5432));
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://[::1]:5433,[::2]/cache", "app", null).addresses())
        .containsExactly(new Address("[::1]", 5433), new Address("[::2]", 5432));
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
  void fromJdbcUrl_keepsEveryPropertyPgjdbcReads_forItsSslMachinery() {
    String url = "jdbc:postgresql://db/cache?sslmode=verify-full&sslrootcert=%2Fetc%2Froot.crt"
        + "&sslcert=%2Fetc%2Fclient.crt&sslkey=%2Fetc%2Fclient.key&sslpassword=k3y";
    Properties expected = Driver.parseURL(url, userProperties("app"));

    assertThat(ListenTarget.fromJdbcUrl(url, "app", null).copy()).isEqualTo(expected);
  }

  @Test
  void fromJdbcUrl_readsTheSslModeAsPgjdbcDoes() throws Exception {
    Map<String, SslMode> expected = new LinkedHashMap<>();
    expected.put("", SslMode.PREFER);
    expected.put("?ssl=false", SslMode.PREFER);
    expected.put("?ssl=true", SslMode.VERIFY_FULL);
    expected.put("?ssl", SslMode.VERIFY_FULL);
    expected.put("?sslmode=disable", SslMode.DISABLE);
    expected.put("?sslmode=allow", SslMode.ALLOW);
    expected.put("?sslmode=REQUIRE", SslMode.REQUIRE);
    expected.put("?sslmode=verify-ca", SslMode.VERIFY_CA);
    expected.put("?ssl=true&sslmode=disable", SslMode.DISABLE);
    for (Map.Entry<String, SslMode> entry : expected.entrySet()) {
      ListenTarget target = ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache" + entry.getKey(), "app", null);
      assertThat(ListenSsl.mode(target.copy())).as(entry.getKey()).isEqualTo(entry.getValue());
    }
  }

  @Test
  void fromJdbcUrl_refusesWhatPgjdbcRefuses_withoutRevealingThePassword() {
    for (String url : List.of(
        "jdbc:mysql://db/cache?password=hunter2",
        "jdbc:postgresql://db?password=hunter2",
        "jdbc:postgresql://db:70000/cache?password=hunter2",
        "jdbc:postgresql://db/cache?password=hun%zzter2")) {
      assertThat(Driver.parseURL(url, userProperties("app"))).as("pgjdbc refuses " + url).isNull();
      assertThatThrownBy(() -> ListenTarget.fromJdbcUrl(url, "app", null))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("pgjdbc cannot parse it")
          .hasMessageNotContaining("hun");
    }
    assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?sslmode=verify-everything"
        + "&password=hunter2", "app", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("verify-everything")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void fromJdbcUrl_keepsThePasswordOutOfPgjdbcsLog_whenItCannotParseTheUrl() {
    try (LogCapture log = LogCapture.start()) {
      assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:postgresql://db?password=hunter2", "app", null))
          .isInstanceOf(IllegalArgumentException.class);

      assertThat(log.text()).as("what pgjdbc logged").contains("must contain a /").doesNotContain("hunter2");
    }
  }

  @Test
  void fromJdbcUrl_needsAUser_withoutRevealingThePassword() {
    assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?password=hunter2", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no user")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void at_movesTheTarget_keepingCredentialsAndSsl() {
    ListenTarget target = ListenTarget.fromJdbcUrl("jdbc:postgresql://a,b/cache?sslmode=require", "app", "pw");

    ListenTarget moved = target.at("proxy", 6000);

    assertThat(moved.addresses()).containsExactly(new Address("proxy", 6000));
    assertThat(moved).extracting(ListenTarget::database, ListenTarget::user, ListenTarget::password)
        .containsExactly("cache", "app", "pw");
    assertThat(moved.copy().getProperty("sslmode")).isEqualTo("require");
  }

  @Test
  void toString_masksThePassword() {
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://db/cache?sslpassword=k3y", "app", "hunter2").toString())
        .contains("db", "5432", "cache", "app")
        .doesNotContain("hunter2", "k3y");
  }

  private static Properties userProperties(String user) {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    return properties;
  }
}
