package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgjcache.testing.Cluster;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.junit.jupiter.api.Test;

/**
 * A node that opens a cache by name alone ({@code getCache}) applies what the creating node configured and the
 * registry records: the key and value types, store-by-value, and an expiry policy of the JCache API.
 */
class RegisteredConfigurationIT {

  @Test
  void getCache_onAnotherNode_appliesTheCreatorsExpiry_andStoreByValue() {
    try (Cluster cluster = Cluster.of(2)) {
      cluster.node(0).createCache("short-lived", new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class)
          .setStoreByValue(false)
          .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 700))));

      Cache<String, String> onB = cluster.node(1).getCache("short-lived", String.class, String.class);
      CompleteConfiguration<?, ?> configuration = onB.getConfiguration(CompleteConfiguration.class);
      assertThat(configuration.isStoreByValue()).isFalse();
      ExpiryPolicy policy = configuration.getExpiryPolicyFactory().create();
      assertThat(policy).isInstanceOf(CreatedExpiryPolicy.class);
      assertThat(policy.getExpiryForCreation()).isEqualTo(new Duration(TimeUnit.MILLISECONDS, 700));

      onB.put("k", "written by B");
      assertThat(onB.get("k")).isEqualTo("written by B");
      await().atMost(java.time.Duration.ofSeconds(5)).until(() -> onB.get("k") == null);
    }
  }

  @Test
  void everyPolicyOfTheJCacheApi_crossesToAnotherNode() {
    Duration minute = new Duration(TimeUnit.MINUTES, 1);
    MutableConfiguration<?, ?>[] configurations = {
        new MutableConfiguration<>().setExpiryPolicyFactory(EternalExpiryPolicy.factoryOf()),
        new MutableConfiguration<>().setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(minute)),
        new MutableConfiguration<>().setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(minute)),
        new MutableConfiguration<>().setExpiryPolicyFactory(TouchedExpiryPolicy.factoryOf(Duration.ZERO)),
        new MutableConfiguration<>().setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ETERNAL)),
    };
    try (Cluster cluster = Cluster.of(2)) {
      for (int i = 0; i < configurations.length; i++) {
        ExpiryPolicy created = configurations[i].getExpiryPolicyFactory().create();
        cluster.node(0).createCache("policy-" + i, configurations[i]);

        ExpiryPolicy opened = expiryOf(cluster.node(1).getCache("policy-" + i));

        assertThat(opened).as("policy %d", i).isInstanceOf(created.getClass());
        assertThat(opened.getExpiryForCreation()).as("creation %d", i).isEqualTo(created.getExpiryForCreation());
        assertThat(opened.getExpiryForUpdate()).as("update %d", i).isEqualTo(created.getExpiryForUpdate());
        assertThat(opened.getExpiryForAccess()).as("access %d", i).isEqualTo(created.getExpiryForAccess());
      }
    }
  }

  @Test
  void aCustomPolicy_staysWithItsNode_andGetCacheElsewhereFallsBackToEternal() {
    try (Cluster cluster = Cluster.of(2)) {
      cluster.node(0).createCache("custom", new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class)
          .setExpiryPolicyFactory(OneMinuteOnCreation::new));

      ExpiryPolicy opened = expiryOf(cluster.node(1).getCache("custom", String.class, String.class));

      assertThat(opened).isInstanceOf(EternalExpiryPolicy.class);
    }
  }

  @Test
  void aRegistryWrittenBeforeTheseColumnsExisted_isUpgraded_andItsCachesOpenWithTheDefaults() {
    try (Cluster cluster = Cluster.of(1)) {
      cluster.node(0).createCache("old",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      String registry = "\"" + cluster.schema() + "\".caches";
      cluster.execute("ALTER TABLE " + registry + " DROP COLUMN expiry, DROP COLUMN store_by_value");

      try (CacheManager upgraded = cluster.newNode("upgraded", new Properties())) {
        Cache<String, String> old = upgraded.getCache("old", String.class, String.class);
        old.put("k", "v");
        assertThat(old.get("k")).isEqualTo("v");
        assertThat(expiryOf(old)).isInstanceOf(EternalExpiryPolicy.class);
      }
    }
  }

  private static ExpiryPolicy expiryOf(Cache<?, ?> cache) {
    CompleteConfiguration<?, ?> configuration = cache.getConfiguration(CompleteConfiguration.class);
    return configuration.getExpiryPolicyFactory().create();
  }

  @Test
  void aNodeStarts_whileALongReaderHoldsTheRegistry() throws Exception {
    try (Cluster cluster = Cluster.of(1); Connection reader = cluster.dataSource().getConnection()) {
      cluster.node(0).createCache("read-for-long", new MutableConfiguration<>());
      reader.setAutoCommit(false);
      try (Statement statement = reader.createStatement()) {
        statement.execute("LOCK TABLE \"" + cluster.schema() + "\".caches IN ACCESS SHARE MODE");
      }
      CompletableFuture<Object> started = CompletableFuture.supplyAsync(() -> {
        try (CacheManager late = cluster.newNode("late", new Properties())) {
          return late.getCache("read-for-long");
        }
      });
      try {
        assertThat(started.get(20, TimeUnit.SECONDS)).isNotNull();
      } finally {
        reader.rollback();
      }
    }
  }

  /** An application's own policy: another node may not have this class. */
  static final class OneMinuteOnCreation implements ExpiryPolicy, java.io.Serializable {
    @Override
    public Duration getExpiryForCreation() {
      return new Duration(TimeUnit.MINUTES, 1);
    }

    @Override
    public Duration getExpiryForAccess() {
      return null;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return null;
    }
  }
}
