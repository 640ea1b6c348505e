package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.configuration.Setting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** The Spring properties reach the provider under its own names, for every setting the provider has. */
class ProviderPropertiesTest {
  private static final DataSource APPLICATION_DATA_SOURCE = new SimpleDriverDataSource();

  @Test
  void everyProviderSetting_canBeGivenAsASpringProperty() {
    Map<String, String> spring = new HashMap<>();
    for (Setting setting : Setting.values()) {
      if (setting == Setting.DATASOURCE || setting == Setting.JSON_MAPPER) {
        continue;
      }
      spring.put(springName(setting), sample(setting));
    }
    Properties provider = ProviderProperties.of(bind(spring), APPLICATION_DATA_SOURCE);
    for (Setting setting : Setting.values()) {
      if (setting == Setting.DATASOURCE || setting == Setting.JSON_MAPPER) {
        continue;
      }
      String key = providerName(setting);
      assertThat(provider.getProperty(key)).as(key).isEqualTo(sample(setting));
    }
  }

  @Test
  void unsetSpringProperties_handNothingOver_soTheProvidersDefaultsApply() {
    Properties provider = ProviderProperties.of(bind(Map.of()), APPLICATION_DATA_SOURCE);

    assertThat(provider.keySet()).containsExactly(Setting.DATASOURCE.key());
  }

  @Test
  void theApplicationsPackages_joinTheDeserializationAllowList_afterTheConfiguredFilter() {
    Properties byDefault = ProviderProperties.of(bind(Map.of()), APPLICATION_DATA_SOURCE);
    ProviderProperties.allowPackages(byDefault, List.of("com.example.shop"));
    assertThat(byDefault.getProperty(Setting.SERIAL_FILTER.key()))
        .isEqualTo(Setting.SERIAL_FILTER.defaultValue().orElseThrow() + ";com.example.shop.**");

    Properties replaced = ProviderProperties.of(bind(Map.of("pgjcache.serial-filter", "maxdepth=5;!*")),
        APPLICATION_DATA_SOURCE);
    ProviderProperties.allowPackages(replaced, List.of("com.example.shop"));
    assertThat(replaced.getProperty(Setting.SERIAL_FILTER.key())).startsWith("maxdepth=5;!*;");
  }

  @Test
  void withoutJdbcUrl_theApplicationsDataSourceIsHandedOver() {
    Properties provider = ProviderProperties.of(bind(Map.of()), APPLICATION_DATA_SOURCE);
    assertThat(provider.get(Setting.DATASOURCE.key())).isSameAs(APPLICATION_DATA_SOURCE);
    assertThat(provider.getProperty(Setting.JDBC_URL.key())).isNull();
  }

  @Test
  void withJdbcUrl_theCachesGetAPoolOfTheirOwn() {
    Properties provider = ProviderProperties.of(bind(Map.of("pgjcache.jdbc.url", "jdbc:postgresql://db/app")),
        APPLICATION_DATA_SOURCE);
    assertThat(provider.get(Setting.DATASOURCE.key())).isNull();
    assertThat(provider.getProperty(Setting.JDBC_URL.key())).isEqualTo("jdbc:postgresql://db/app");
  }

  @Test
  void springDurations_becomeIsoDurations_andDottedCacheNamesSurviveInBrackets() {
    Properties provider = ProviderProperties.of(bind(Map.of(
        "pgjcache.caches[com.example.Order].expiry-after-write", "10m",
        "pgjcache.sweep.interval", "250ms")), APPLICATION_DATA_SOURCE);
    assertThat(provider.getProperty("pgjcache.cache.com.example.Order.expiry-after-write")).isEqualTo("PT10M");
    assertThat(provider.getProperty("pgjcache.sweep.interval")).isEqualTo("PT0.25S");
  }

  private static PgJCacheProperties bind(Map<String, String> spring) {
    return new Binder(new MapConfigurationPropertySource(spring)).bindOrCreate("pgjcache", PgJCacheProperties.class);
  }

  private static String springName(Setting setting) {
    return setting.scope() == Setting.Scope.CACHE ? "pgjcache.caches.orders." + setting.key() : setting.key();
  }

  private static String providerName(Setting setting) {
    return setting.scope() == Setting.Scope.CACHE ? Setting.CACHE_PREFIX + "orders." + setting.key() : setting.key();
  }

  /** A value of the setting's type, different from its default. */
  private static String sample(Setting setting) {
    return switch (setting) {
      case JDBC_URL -> "jdbc:postgresql://db/app";
      case JDBC_USER -> "app";
      case JDBC_PASSWORD -> "secret";
      case SCHEMA -> "caching";
      case VERBATIM_SHORT_KEYS -> "false";
      case POOL_SIZE -> "3";
      case CONNECTION_TIMEOUT -> "PT2S";
      case STATEMENT_TIMEOUT -> "PT3S";
      case SWEEP_INTERVAL -> "PT0.5S";
      case SWEEP_BATCH_SIZE -> "50";
      case SERIAL_FILTER -> "maxdepth=5";
      case MAX_KEY_SIZE -> "1024";
      case MAX_VALUE_SIZE -> "2048";
      case SIGNING_KEY -> "signing-key-of-at-least-32-bytes-0123456789";
      case PREVIOUS_SIGNING_KEY -> "previous-key-of-at-least-32-bytes-0123456789";
      case CACHE_UNLOGGED -> "false";
      case LISTEN_URL -> "jdbc:postgresql://direct/app";
      case NEAR_CACHE_ENABLED -> "false";
      case NEAR_CACHE_MAX_ENTRIES -> "50";
      case CACHE_NEAR_CACHE -> "false";
      case CACHE_NEAR_CACHE_MAX_ENTRIES -> "20";
      case CACHE_CLUSTER_EVENTS -> "true";
      case CACHE_EXPIRY_AFTER_WRITE -> "PT10M";
      case CODEC -> "kryo";
      case CACHE_CODEC -> "json";
      case DATASOURCE, JSON_MAPPER -> throw new IllegalArgumentException("not a text setting");
    };
  }
}
