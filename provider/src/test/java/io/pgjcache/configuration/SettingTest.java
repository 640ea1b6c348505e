package io.pgjcache.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The enum reads its own values: given text or the default, typed, with errors naming key and value. */
class SettingTest {

  @Test
  void typedGetters_returnTheDefault_whenTheValueIsAbsentOrEmpty() {
    Properties empty = new Properties();
    Properties blank = new Properties();
    blank.setProperty(Setting.POOL_SIZE.key(), " ");

    assertThat(Setting.POOL_SIZE.getInt(empty))
        .isEqualTo(Integer.parseInt(Setting.POOL_SIZE.defaultValue().orElseThrow()));
    assertThat(Setting.POOL_SIZE.getInt(blank)).isEqualTo(Setting.POOL_SIZE.getInt(empty));
    assertThat(Setting.NEAR_CACHE_ENABLED.getBoolean(empty)).isTrue();
    assertThat(Setting.CONNECTION_TIMEOUT.getDuration(empty)).isEqualTo(Duration.ofSeconds(5));
    assertThat(Setting.SCHEMA.get(empty)).isEqualTo("jcache");
    assertThat(Setting.JDBC_URL.get(empty)).isNull();
  }

  @Test
  void typedGetters_readTheGivenValue_trimmed_whateverItsJavaType() {
    Properties given = new Properties();
    given.put(Setting.POOL_SIZE.key(), 3);
    given.setProperty(Setting.NEAR_CACHE_ENABLED.key(), " FALSE ");
    given.setProperty(Setting.SWEEP_INTERVAL.key(), "250");
    given.setProperty(Setting.STATEMENT_TIMEOUT.key(), "PT0S");

    assertThat(Setting.POOL_SIZE.getInt(given)).isEqualTo(3);
    assertThat(Setting.NEAR_CACHE_ENABLED.getBoolean(given)).isFalse();
    assertThat(Setting.SWEEP_INTERVAL.getDuration(given)).as("plain number: milliseconds")
        .isEqualTo(Duration.ofMillis(250));
    assertThat(Setting.STATEMENT_TIMEOUT.getDuration(given)).as("zero turns it off").isZero();
  }

  @Test
  void parseErrors_nameTheKeyAndTheBadValue() {
    assertBad(Setting.POOL_SIZE, "many", "must be a positive integer");
    assertBad(Setting.POOL_SIZE, "0", "must be a positive integer");
    assertBad(Setting.NEAR_CACHE_ENABLED, "yes", "must be true or false");
    assertBad(Setting.SWEEP_INTERVAL, "soon", "ISO-8601");
    assertBad(Setting.CONNECTION_TIMEOUT, "PT0S", "positive duration");
  }

  @Test
  void validate_namesTheFullPropertyName_ofAPerCacheSetting() {
    String name = Setting.CACHE_UNLOGGED.propertyName("com.example.Order");

    assertThat(name).isEqualTo("pgjcache.cache.com.example.Order.unlogged");
    assertThatThrownBy(() -> Setting.CACHE_UNLOGGED.validate(name, "maybe"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name).hasMessageContaining("'maybe'");
    Setting.SCHEMA.validate(Setting.SCHEMA.key(), "any text");
  }

  @Test
  void askingForTheWrongType_isAProgrammingError() {
    assertThatThrownBy(() -> Setting.SCHEMA.getInt(new Properties())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Setting.SCHEMA.key());
  }

  @Test
  void everyDefault_parsesAsItsOwnType() {
    for (Setting setting : Setting.values()) {
      setting.defaultValue().ifPresent(value -> setting.validate(setting.key(), value));
    }
  }

  private static void assertBad(Setting setting, String value, String complaint) {
    Properties given = new Properties();
    given.setProperty(setting.key(), value);
    assertThatThrownBy(() -> {
      switch (setting) {
        case POOL_SIZE -> setting.getInt(given);
        case NEAR_CACHE_ENABLED -> setting.getBoolean(given);
        default -> setting.getDuration(given);
      }
    }).as(setting.key() + "=" + value).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(setting.key()).hasMessageContaining(value).hasMessageContaining(complaint);
  }
}
