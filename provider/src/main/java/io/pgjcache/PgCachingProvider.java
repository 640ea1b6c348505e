package io.pgjcache;

import io.pgjcache.configuration.Setting;
import io.pgjcache.internal.config.ManagerSettings;
import io.pgjcache.internal.config.SettingsResolver;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import javax.sql.DataSource;

/**
 * The JCache entry point of pgjcache, found by {@code Caching.getCachingProvider()}.
 *
 * <p>Managers are kept per class loader and URI: asking twice gives the same open manager. A URI that
 * names a {@code .properties} file ({@code classpath:}, {@code file:} or {@code jar:}) is also read as
 * configuration; any other URI is just the manager's name. Two different URIs on one database behave
 * as two nodes. See {@link Setting} for every property.
 */
public final class PgCachingProvider implements CachingProvider {
  /** The default manager's URI. */
  public static final URI DEFAULT_URI = URI.create("pgjcache:default");

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<ClassLoader, Map<URI, PgCacheManager>> managers = new WeakHashMap<>();

  /** Properties that make a manager use an existing DataSource instead of a pool of its own. */
  public static Properties dataSourceProperties(DataSource dataSource) {
    Properties properties = new Properties();
    properties.put(Setting.DATASOURCE.key(), Objects.requireNonNull(dataSource, "dataSource"));
    return properties;
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties given = properties == null ? new Properties() : properties;
    lock.lock();
    try {
      Map<URI, PgCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
      PgCacheManager existing = byUri.get(managerUri);
      if (existing != null && !existing.isClosed()) {
        return existing;
      }
      ManagerSettings settings = new SettingsResolver(System.getenv()).resolve(managerUri, loader, given);
      Properties copy = new Properties();
      copy.putAll(given);
      PgCacheManager manager = new PgCacheManager(this, managerUri, loader, copy, settings);
      byUri.put(managerUri, manager);
      return manager;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : PgCachingProvider.class.getClassLoader();
  }

  @Override
  public URI getDefaultURI() {
    return DEFAULT_URI;
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public void close() {
    for (PgCacheManager manager : snapshot(null, null)) {
      manager.close();
    }
  }

  @Override
  public void close(ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    for (PgCacheManager manager : snapshot(loader, null)) {
      manager.close();
    }
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    for (PgCacheManager manager : snapshot(loader, managerUri)) {
      manager.close();
    }
  }

  /**
   * No optional feature is reported. Store-by-reference is honoured on each node's heap (the near cache keeps
   * and hands out the instances; see {@code PgCache}), as the JCache {@code Configuration} contract allows, but
   * every key and value must still be encodable for PostgreSQL, which the TCK's store-by-reference tests do
   * not require (they store keys that are not {@code Serializable}); so the feature is not claimed.
   */
  @Override
  public boolean isSupported(OptionalFeature optionalFeature) {
    return false;
  }

  void forget(PgCacheManager manager) {
    lock.lock();
    try {
      Map<URI, PgCacheManager> byUri = managers.get(manager.getClassLoader());
      if (byUri != null) {
        byUri.remove(manager.getURI(), manager);
      }
    } finally {
      lock.unlock();
    }
  }

  private List<PgCacheManager> snapshot(ClassLoader loader, URI uri) {
    lock.lock();
    try {
      List<PgCacheManager> found = new ArrayList<>();
      managers.forEach((l, byUri) -> {
        if (loader == null || loader == l) {
          byUri.forEach((u, manager) -> {
            if (uri == null || uri.equals(u)) {
              found.add(manager);
            }
          });
        }
      });
      return found;
    } finally {
      lock.unlock();
    }
  }
}
