package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.testing.Cluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hibernate's update-timestamps region must never expire: a per-cache time to live given for it in the
 * configuration is ignored, with a warning, while the same setting still applies to any other cache.
 */
class UpdateTimestampsRegionIT {
  private static final String TTL = "expiry-after-write";

  private final Logger managerLogger = Logger.getLogger(PgCacheManager.class.getName());
  private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record);
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void captureWarnings() {
    managerLogger.addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    managerLogger.removeHandler(capture);
  }

  @Test
  void configuredExpiry_isIgnoredWithAWarning_forTheUpdateTimestampsRegion() {
    Properties settings = new Properties();
    settings.setProperty("pgjcache.cache.default-update-timestamps-region." + TTL, "PT1S");
    settings.setProperty("pgjcache.cache.app.default-update-timestamps-region." + TTL, "PT1S");
    settings.setProperty("pgjcache.cache.default-query-results-region." + TTL, "PT1S");
    try (Cluster cluster = Cluster.of(1, settings)) {
      Cache<Object, Object> timestamps = cluster.node(0)
          .createCache("default-update-timestamps-region", new MutableConfiguration<>());
      Cache<Object, Object> prefixed = cluster.node(0)
          .createCache("app.default-update-timestamps-region", new MutableConfiguration<>());
      Cache<Object, Object> queryResults = cluster.node(0)
          .createCache("default-query-results-region", new MutableConfiguration<>());

      assertThat(expiryPolicyOf(timestamps)).isInstanceOf(EternalExpiryPolicy.class);
      assertThat(expiryPolicyOf(prefixed)).isInstanceOf(EternalExpiryPolicy.class);
      assertThat(expiryPolicyOf(queryResults)).isInstanceOf(ModifiedExpiryPolicy.class);
      assertThat(warnings).extracting(LogRecord::getMessage)
          .anySatisfy(message -> assertThat(message)
              .contains("'default-update-timestamps-region'", "ignoring", "must never expire"))
          .anySatisfy(message -> assertThat(message).contains("'app.default-update-timestamps-region'"))
          .noneSatisfy(message -> assertThat(message).contains("default-query-results-region"));
    }
  }

  @Test
  void updateTimestamp_isStoredWithoutExpiry_despiteTheConfiguredTimeToLive() throws SQLException {
    Properties settings = new Properties();
    settings.setProperty("pgjcache.cache.default-update-timestamps-region." + TTL, "PT1S");
    try (Cluster cluster = Cluster.of(1, settings)) {
      Cache<Object, Object> timestamps = cluster.node(0)
          .createCache("default-update-timestamps-region", new MutableConfiguration<>());
      timestamps.put("book", 42L);

      String table = timestamps.unwrap(PgCache.class).getTableName();
      DataSource dataSource = cluster.node(0).unwrap(PgCacheManager.class).getDataSource();
      try (Connection connection = dataSource.getConnection();
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT count(*), count(expires_at) FROM " + table)) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getLong(1)).as("entries").isEqualTo(1);
        assertThat(rows.getLong(2)).as("entries with an expiry time").isZero();
      }
    }
  }

  private static Object expiryPolicyOf(Cache<Object, Object> cache) {
    @SuppressWarnings("unchecked")
    CompleteConfiguration<Object, Object> configuration = cache.getConfiguration(CompleteConfiguration.class);
    return configuration.getExpiryPolicyFactory().create();
  }
}
