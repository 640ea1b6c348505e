package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Throwables;
import java.net.URI;
import java.util.Properties;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/** Manager creation failures that need no database. */
class PgCachingProviderTest {
  @Test
  void getCacheManager_failsWithCacheExceptionWithoutPassword_whenNoDriverTakesTheUrl() {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.jdbc.url", "jdbc:postgres://localhost:5432/app?user=app&password=hunter2");

    Throwable thrown = catchThrowable(() -> Cluster.provider().getCacheManager(URI.create("test:no-driver"),
        getClass().getClassLoader(), properties));

    assertThat(thrown).isInstanceOf(CacheException.class)
        .hasMessageContaining("jdbc:postgres://localhost:5432/app?user=app&password=****");
    assertThat(Throwables.everythingPrinted(thrown)).doesNotContain("hunter2");
  }
}
