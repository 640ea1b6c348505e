package io.pgjcache.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgjcache.spi.DefaultDatabase;
import io.pgjcache.testing.Cluster;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager with no JDBC URL when the class path offers no default database, or one that fails: the
 * manager does not start, and says why. No server is needed; the class loaders below decide what the
 * provider finds in {@code META-INF/services}.
 */
class DefaultDatabasesTest {
  private static final String SERVICE_FILE = "META-INF/services/" + DefaultDatabase.class.getName();

  @Test
  void withoutADefaultDatabase_getCacheManagerFails_namingTheSettingAndTheEmbeddedArtifact() {
    ClassLoader withoutEmbedded = new ServiceFileOverride(getClass().getClassLoader(), null);

    Throwable thrown = catchThrowable(() -> Cluster.provider().getCacheManager(URI.create("test:no-database"),
        withoutEmbedded, withoutJdbcUrl()));

    assertThat(thrown).isInstanceOf(CacheException.class)
        .hasMessageContaining("no database configured for manager test_no-database")
        .hasMessageContaining("pgjcache.jdbc.url")
        .hasMessageContaining("PGJCACHE_JDBC_URL")
        .hasMessageContaining("io.pgjcache:pgjcache-embedded");
  }

  @Test
  void aDefaultDatabaseThatFailsToStart_failsTheManager_withItsCauseAndName(@TempDir Path directory)
      throws IOException {
    Path serviceFile = Files.writeString(directory.resolve("services"), FailingDatabase.class.getName() + "\n",
        StandardCharsets.UTF_8);
    ClassLoader withFailing = new ServiceFileOverride(getClass().getClassLoader(), serviceFile.toUri().toURL());

    Throwable thrown = catchThrowable(() -> Cluster.provider().getCacheManager(URI.create("test:failing-database"),
        withFailing, withoutJdbcUrl()));

    assertThat(thrown).isInstanceOf(CacheException.class)
        .hasMessageContaining(FailingDatabase.class.getName())
        .hasMessageContaining("test_failing-database")
        .hasMessageContaining("no binaries for this platform")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  /** An explicit empty URL wins over a PGJCACHE_JDBC_URL in the environment: no URL anywhere. */
  private static Properties withoutJdbcUrl() {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.jdbc.url", "");
    return properties;
  }

  /** A default database that cannot start, as a real one might on an unsupported platform. */
  public static final class FailingDatabase implements DefaultDatabase {
    @Override
    public String jdbcUrl() {
      throw new IllegalStateException("no binaries for this platform");
    }
  }

  /** Sees what its parent sees, except that the service file naming default databases is the given one, or none. */
  private static final class ServiceFileOverride extends ClassLoader {
    private final URL serviceFile;

    ServiceFileOverride(ClassLoader parent, URL serviceFile) {
      super(parent);
      this.serviceFile = serviceFile;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      if (!name.equals(SERVICE_FILE)) {
        return super.getResources(name);
      }
      return serviceFile == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(serviceFile));
    }

    @Override
    public URL getResource(String name) {
      return name.equals(SERVICE_FILE) ? serviceFile : super.getResource(name);
    }
  }
}
