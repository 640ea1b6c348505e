package io.pgjcache.spring;

import io.pgjcache.PgCache;
import java.sql.Connection;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.cache.Cache;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A Spring cache whose changes join the Spring-managed transaction that runs on the caches' DataSource: inside such
 * a transaction, puts and evictions run on its connection ({@link PgCache#inTransaction}) and commit or roll back
 * with it; outside one, everything goes to the cache as usual.
 *
 * <p>It is a {@link TransactionAwareCacheDecorator} only so that what looks through such decorators (Boot's cache
 * metrics) finds the cache behind it; every operation is its own.
 *
 * <p>Reads in a transaction go to the cache as usual (near copy first) until the transaction changes this cache;
 * from then on they run on the transaction's connection too, so that they see its own changes. The view of the
 * cache in a transaction is kept as a resource of that transaction and dropped when it completes.
 */
final class TransactionJoiningCache extends TransactionAwareCacheDecorator {
  private final JCacheCache target;
  private final PgCache<Object, Object> cache;
  private final DataSource dataSource;

  /** What this cache is in one transaction: its view on the transaction's connection, and whether it wrote. */
  private static final class Joined {
    private final JCacheCache view;
    private boolean wrote;

    private Joined(JCacheCache view) {
      this.view = view;
    }
  }

  @SuppressWarnings("unchecked")
  TransactionJoiningCache(JCacheCache target, DataSource dataSource) {
    super(target);
    this.target = target;
    this.cache = target.getNativeCache().unwrap(PgCache.class);
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public String getName() {
    return target.getName();
  }

  @Override
  public Object getNativeCache() {
    return target.getNativeCache();
  }

  @Override
  public ValueWrapper get(Object key) {
    return forReading().get(key);
  }

  @Override
  public <T> T get(Object key, Class<T> type) {
    return forReading().get(key, type);
  }

  /** A {@code @Cacheable(sync = true)}: its load and put are one atomic step, which joins when in a transaction. */
  @Override
  public <T> T get(Object key, Callable<T> valueLoader) {
    return forWriting().get(key, valueLoader);
  }

  @Override
  public CompletableFuture<?> retrieve(Object key) {
    return target.retrieve(key);
  }

  @Override
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    return target.retrieve(key, valueLoader);
  }

  @Override
  public void put(Object key, Object value) {
    forWriting().put(key, value);
  }

  @Override
  public ValueWrapper putIfAbsent(Object key, Object value) {
    return forWriting().putIfAbsent(key, value);
  }

  @Override
  public void evict(Object key) {
    forWriting().evict(key);
  }

  @Override
  public boolean evictIfPresent(Object key) {
    return forWriting().evictIfPresent(key);
  }

  @Override
  public void clear() {
    forWriting().clear();
  }

  @Override
  public boolean invalidate() {
    return forWriting().invalidate();
  }

  private Cache forReading() {
    Joined joined = joined(false);
    return joined == null || !joined.wrote ? target : joined.view;
  }

  private Cache forWriting() {
    Joined joined = joined(true);
    if (joined == null) {
      return target;
    }
    joined.wrote = true;
    return joined.view;
  }

  /**
   * This cache in the current transaction on the DataSource, made on first use if {@code make}; null outside one.
   */
  private Joined joined(boolean make) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()
        || !TransactionSynchronizationManager.isActualTransactionActive()
        || TransactionSynchronizationManager.getResource(dataSource) == null) {
      return null;
    }
    Joined joined = (Joined) TransactionSynchronizationManager.getResource(this);
    if (joined != null || !make) {
      return joined;
    }
    // The transaction's own connection, which stays bound to it; nothing here closes it.
    Connection connection = DataSourceUtils.getConnection(dataSource);
    try {
      joined = new Joined(new JCacheCache(cache.inTransaction(connection), target.isAllowNullValues()));
    } finally {
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
    TransactionSynchronizationManager.bindResource(this, joined);
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCompletion(int status) {
        TransactionSynchronizationManager.unbindResourceIfPossible(TransactionJoiningCache.this);
      }
    });
    return joined;
  }
}
