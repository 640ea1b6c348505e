package io.pgjcache.spring;

import io.pgjcache.PgCachingProvider;
import io.pgjcache.configuration.Setting;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of pgjcache for an application that has a {@link DataSource}: a JCache
 * {@link javax.cache.CacheManager} whose caches live in that same database (on the same DataSource, unless
 * {@code pgjcache.jdbc.url} asks for a pool of their own), and, with {@code @EnableCaching}, Spring's
 * {@code cacheManager} over it. Caches listed in {@code spring.cache.cache-names} are created at start-up;
 * creating a cache that another instance already created attaches to it, so instances may start together.
 *
 * <p>It runs before Boot's cache auto-configuration, which then finds a cache manager and steps aside, and
 * it steps aside itself when the application defines a Spring or a JCache {@code CacheManager} of its own.
 * Standing in for Boot's JCache support, it honours that support's hooks as Boot does: a default
 * {@code javax.cache.configuration.Configuration} bean and the {@code JCachePropertiesCustomizer},
 * {@code JCacheManagerCustomizer} and {@code CacheManagerCustomizer} beans (see {@link BootCacheCustomizers}).
 * Class names of other auto-configurations are given for Boot 3 and Boot 4, whose packages differ.
 */
@AutoConfiguration(
    afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"},
    beforeName = {
        "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration",
        "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration"})
@ConditionalOnClass({PgCachingProvider.class, Caching.class})
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnMissingBean({javax.cache.CacheManager.class, org.springframework.cache.CacheManager.class})
@EnableConfigurationProperties(PgJCacheProperties.class)
@Import({PgJCacheHibernateConfiguration.Boot3.class, PgJCacheHibernateConfiguration.Boot4.class,
    BootCacheCustomizers.Boot3.class, BootCacheCustomizers.Boot4.class})
public class PgJCacheAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(PgJCacheAutoConfiguration.class);

  // Managers are kept by the provider per URI: each application context gets a URI of its own, so that two
  // contexts in one JVM (tests, or two instances side by side) are two nodes, not one shared manager.
  private static final AtomicInteger CONTEXTS = new AtomicInteger();

  /**
   * The JCache manager; closed, with its caches, when the application context closes. Boot's
   * {@code JCachePropertiesCustomizer}s see (and may change) the provider's properties before the manager is
   * made; its {@code JCacheManagerCustomizer}s get the manager once the caches of {@code spring.cache.cache-names}
   * are open, created from the application's default {@code javax.cache.configuration.Configuration}, if any.
   */
  @Bean(destroyMethod = "close")
  public javax.cache.CacheManager pgjcacheCacheManager(DataSource dataSource, PgJCacheProperties properties,
      Environment environment, ConfigurableListableBeanFactory beanFactory,
      ObjectProvider<javax.cache.configuration.Configuration<?, ?>> defaultCacheConfiguration,
      ObjectProvider<BootCacheCustomizers> bootCustomizers) {
    BootCacheCustomizers customizers = BootCacheCustomizers.of(bootCustomizers);
    ClassLoader classLoader = beanFactory.getBeanClassLoader();
    CachingProvider provider = Caching.getCachingProvider(PgCachingProvider.class.getName(), classLoader);
    URI uri = managerUri(environment);
    Properties settings = ProviderProperties.of(properties, dataSource);
    ProviderProperties.allowPackages(settings,
        AutoConfigurationPackages.has(beanFactory) ? AutoConfigurationPackages.get(beanFactory) : List.of());
    JsonMappers.applicationMapper(beanFactory, classLoader)
        .ifPresent(mapper -> settings.put(Setting.JSON_MAPPER.key(), mapper));
    javax.cache.CacheManager manager = provider.getCacheManager(uri, classLoader,
        customizers.customizeProperties(settings));
    List<String> cacheNames = Binder.get(environment)
        .bind("spring.cache.cache-names", Bindable.listOf(String.class)).orElse(List.of());
    try {
      CacheOpener opener = new CacheOpener(defaultCacheConfiguration.getIfAvailable());
      for (String name : cacheNames) {
        opener.open(manager, name, true);
      }
      customizers.customizeJCacheManager(manager);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    LOG.debug("pgjcache: cache manager {} on {}; caches opened at start-up: {}", manager,
        ProviderProperties.ownPool(properties) ? "a pool of its own" : "the application's DataSource", cacheNames);
    return manager;
  }

  private static URI managerUri(Environment environment) {
    String application = environment.getProperty("spring.application.name", "application")
        .replaceAll("[^A-Za-z0-9._-]+", "_");
    return URI.create("pgjcache:spring:" + application + ":" + CONTEXTS.incrementAndGet());
  }

  /** Spring's cache abstraction over the JCache manager, for applications that use {@code @EnableCaching}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(CacheAspectSupport.class)
  @ConditionalOnProperty(prefix = "spring.cache", name = "type", havingValue = "jcache", matchIfMissing = true)
  static class SpringCacheConfiguration {

    /**
     * Named like Boot's own, which other auto-configurations refer to. Transaction-aware when the
     * application has a transaction manager: a put or an evict inside a transaction then waits for the
     * commit, so a rollback leaves the cache as it was, and no other thread can reload the old row into
     * the cache between the evict and the commit.
     */
    @Bean
    public PgJCacheCacheManager cacheManager(javax.cache.CacheManager pgjcacheCacheManager,
        PgJCacheProperties properties, ConfigurableListableBeanFactory beanFactory, DataSource dataSource,
        ObjectProvider<javax.cache.configuration.Configuration<?, ?>> defaultCacheConfiguration,
        ObjectProvider<BootCacheCustomizers> bootCustomizers) {
      PgJCacheCacheManager cacheManager = new PgJCacheCacheManager(pgjcacheCacheManager,
          properties.isCreateMissingCaches(), defaultCacheConfiguration.getIfAvailable());
      boolean transactional = beanFactory.getBeanNamesForType(PlatformTransactionManager.class).length > 0;
      TransactionMode mode = transactionMode(properties, transactional);
      cacheManager.setTransactionAware(mode != TransactionMode.IMMEDIATE);
      if (mode == TransactionMode.JOIN) {
        cacheManager.joinTransactionsOn(dataSource);
      }
      LOG.debug("pgjcache: Spring cache manager over {}, in transactions: {}", pgjcacheCacheManager.getURI(), mode);
      // Last, as Boot does, so that the application's CacheManagerCustomizers have the final word.
      return BootCacheCustomizers.of(bootCustomizers).customizeCacheManager(cacheManager);
    }

    /**
     * What cache changes inside transactions do: nothing special without a transaction manager or with
     * transaction-aware off; joining falls back to deferring when the caches have a pool of their own (they may
     * be in another database) or spring-jdbc is missing, and says so.
     */
    private static TransactionMode transactionMode(PgJCacheProperties properties, boolean transactional) {
      if (!transactional || !properties.isTransactionAware()) {
        return TransactionMode.IMMEDIATE;
      }
      TransactionMode wanted = properties.getTransactionMode();
      if (wanted != TransactionMode.JOIN) {
        return wanted;
      }
      if (ProviderProperties.ownPool(properties)) {
        LOG.info("pgjcache: the caches have a pool of their own (pgjcache.jdbc.url), so cache changes inside"
            + " transactions wait for the commit instead of joining the transaction (pgjcache.transaction-mode=defer)");
        return TransactionMode.DEFER;
      }
      if (!ClassUtils.isPresent("org.springframework.jdbc.datasource.DataSourceUtils",
          PgJCacheAutoConfiguration.class.getClassLoader())) {
        LOG.info("pgjcache: spring-jdbc is not on the class path, so cache changes inside transactions wait for the"
            + " commit instead of joining the transaction (pgjcache.transaction-mode=defer)");
        return TransactionMode.DEFER;
      }
      return TransactionMode.JOIN;
    }
  }
}
