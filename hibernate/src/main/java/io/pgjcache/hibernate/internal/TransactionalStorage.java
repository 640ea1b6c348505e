package io.pgjcache.hibernate.internal;

import io.pgjcache.PgCache;
import java.io.Serial;
import java.io.Serializable;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * The storage of a TRANSACTIONAL region: what a session's transaction writes or evicts goes into the cache on the
 * session's own JDBC connection ({@link PgCache#inTransaction}), so entity and cache commit or roll back together
 * and every node drops its copy exactly at the commit.
 *
 * <p><b>Evictions leave a tombstone</b> instead of removing the entry. A load puts outside the session's
 * transaction (on the cache's own pool, so it never holds a key lock in the application's transaction), only into
 * an empty key or over a tombstone older than the lock timeout, and atomically (it waits for a writing transaction's
 * key lock). So a load that read a row before the evicting transaction committed cannot bring the evicted state
 * back, as long as loads take less than the lock timeout ({@code RegionFactory.getTimeout()}, 60 s by default); the
 * cost is that an evicted key is cached again only by loads that begin after that.
 *
 * <p>Where the session has no transaction, or its connection is to another database than the cache's, this
 * falls back to writing directly, as hibernate-jcache does (and says so once).
 */
public final class TransactionalStorage extends RegionStorage {
  private static final System.Logger LOG = System.getLogger(TransactionalStorage.class.getName());

  /** What an evicted key holds until its next write; {@code at} is when it was written (a region timestamp). */
  record Tombstone(long at) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
  }

  private final RegionStorage region;
  private final PgCache<Object, Object> cache;
  private final RegionFactory regionFactory;
  /**
   * The view each session last used, with its connection. Keyed by session, weakly: a view holds its connection
   * strongly, so a map keyed by connection would never let go; and a session may hold another connection in its
   * next transaction, so the view is reused only for the very same connection.
   */
  private final Map<SharedSessionContractImplementor, Joined> views = new WeakHashMap<>();
  private final AtomicBoolean warned = new AtomicBoolean();

  /** A view of the cache on one connection (or the cache itself, when that connection cannot be joined). */
  private record Joined(Connection connection, Cache<Object, Object> view) {
  }

  /**
   * @param region the region's storage, whose atomic {@link RegionStorage#update} loads put through (a subclass of
   *               it sees every one)
   */
  @SuppressWarnings("unchecked")
  public TransactionalStorage(RegionStorage region, RegionFactory regionFactory) {
    super(region.getUnderlyingCache());
    this.region = region;
    this.cache = region.getUnderlyingCache().unwrap(PgCache.class);
    this.regionFactory = regionFactory;
  }

  @Override
  public Object getFromCache(Object key, SharedSessionContractImplementor session) {
    Object held = super.getFromCache(key, session);
    return held instanceof Tombstone ? null : held;
  }

  /** A tombstone is no entry. */
  @Override
  public boolean contains(Object key) {
    Object held = getUnderlyingCache().get(key);
    return held != null && !(held instanceof Tombstone);
  }

  @Override
  public void putIntoCache(Object key, Object value, SharedSessionContractImplementor session) {
    inTransactionOf(session).put(key, value);
  }

  @Override
  public void putFromLoad(Object key, Object value, SharedSessionContractImplementor session) {
    long began = session.getCacheTransactionSynchronization().getCachingTimestamp();
    long timeout = regionFactory.getTimeout();
    region.update(key, (entry, arguments) -> {
      Object held = entry.getValue();
      if (held == null || held instanceof Tombstone tombstone && began > tombstone.at() + timeout) {
        entry.setValue(value);
      }
      return null;
    });
  }

  @Override
  public void removeFromCache(Object key, SharedSessionContractImplementor session) {
    inTransactionOf(session).put(key, new Tombstone(regionFactory.nextTimestamp()));
  }

  /** The cache as the session's transaction sees it, or the cache itself when it cannot join. */
  private Cache<Object, Object> inTransactionOf(SharedSessionContractImplementor session) {
    if (session == null || !session.isTransactionInProgress()) {
      return getUnderlyingCache();
    }
    Connection connection = session.getJdbcCoordinator().getLogicalConnection().getPhysicalConnection();
    synchronized (views) {
      Joined joined = views.get(session);
      if (joined != null && joined.connection() == connection) {
        return joined.view();
      }
    }
    Cache<Object, Object> view;
    try {
      view = cache.inTransaction(connection);
    } catch (IllegalArgumentException e) {
      if (warned.compareAndSet(false, true)) {
        LOG.log(Level.WARNING, "pgjcache: region '" + cache.getName() + "' cannot join the session's transaction,"
            + " so TRANSACTIONAL writes go to the cache directly, as with hibernate-jcache: " + e.getMessage());
      }
      view = getUnderlyingCache();
    }
    synchronized (views) {
      views.put(session, new Joined(connection, view));
    }
    return view;
  }
}
