package io.pgjcache.examples.hibernate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.stat.Statistics;

/**
 * One application node: a Hibernate {@link SessionFactory} whose second-level cache is pgjcache.
 *
 * <p>The cache is configured by properties alone: the common lines live in
 * {@code second-level-cache.properties} on the class path, and each node adds
 * {@code hibernate.javax.cache.uri}, the pgjcache configuration file of that node. Hibernate resolves
 * that name ({@code classpath://name}, a bare resource name, or a {@code file:} URL) to a URL and asks the
 * provider for the manager of that URL, so two nodes in one JVM need two different files to get two
 * managers; nodes in separate JVMs can all use the same one.
 */
public final class HibernateNode implements AutoCloseable {
  /** Where Hibernate finds the pgjcache configuration file of a node. */
  public static final String CACHE_CONFIG_URI = "hibernate.javax.cache.uri";
  /** The entities of this example. */
  public static final List<Class<?>> ENTITIES = List.of(Author.class, Book.class, Country.class, Account.class,
      Wallet.class);

  private static final String COMMON_SETTINGS = "second-level-cache.properties";

  private final String name;
  private final SessionFactory sessionFactory;

  private HibernateNode(String name, SessionFactory sessionFactory) {
    this.name = Objects.requireNonNull(name, "name");
    this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
  }

  /**
   * Starts a node on the application's DataSource with the pgjcache configuration named by
   * {@code cacheConfigUri}; {@code overrides} are further Hibernate settings that win over the common ones.
   */
  public static HibernateNode start(String name, DataSource dataSource, String cacheConfigUri,
      Map<String, ?> overrides) {
    Map<String, Object> settings = new HashMap<>();
    commonSettings().forEach((key, value) -> settings.put((String) key, value));
    settings.put(CACHE_CONFIG_URI, Objects.requireNonNull(cacheConfigUri, "cacheConfigUri"));
    settings.put("hibernate.connection.datasource", Objects.requireNonNull(dataSource, "dataSource"));
    settings.put("hibernate.hbm2ddl.auto", "update");
    settings.putAll(overrides);
    StandardServiceRegistry registry = new StandardServiceRegistryBuilder().applySettings(settings).build();
    try {
      MetadataSources sources = new MetadataSources(registry);
      ENTITIES.forEach(sources::addAnnotatedClass);
      return new HibernateNode(name, sources.buildMetadata().buildSessionFactory());
    } catch (RuntimeException e) {
      StandardServiceRegistryBuilder.destroy(registry);
      throw e;
    }
  }

  /** The second-level cache settings every node shares, as the README shows them. */
  public static Properties commonSettings() {
    Properties properties = new Properties();
    try (InputStream in = HibernateNode.class.getClassLoader().getResourceAsStream(COMMON_SETTINGS)) {
      if (in == null) {
        throw new IllegalStateException(COMMON_SETTINGS + " is missing from the class path");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  public String name() {
    return name;
  }

  public SessionFactory sessionFactory() {
    return sessionFactory;
  }

  public Statistics statistics() {
    return sessionFactory.getStatistics();
  }

  /** The JCache manager Hibernate obtained for this node: a {@code PgCacheManager}. */
  public CacheManager cacheManager() {
    // Hibernate exposes the manager only on its JCache region factory, which lives in an internal package.
    var regionFactory = sessionFactory.unwrap(SessionFactoryImplementor.class).getCache().getRegionFactory();
    return ((JCacheRegionFactory) regionFactory).getCacheManager();
  }

  /** Closes the SessionFactory; Hibernate closes the node's cache manager with it. */
  @Override
  public void close() {
    sessionFactory.close();
  }

  @Override
  public String toString() {
    return "HibernateNode[" + name + "]";
  }
}
