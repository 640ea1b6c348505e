package io.pgjcache.internal.cache;

import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.db.Database;
import io.pgjcache.internal.event.ClusterEvents;
import io.pgjcache.internal.event.EventDispatcher;
import io.pgjcache.internal.event.OrderedExecutor;
import io.pgjcache.internal.event.PgCacheEntryEvent;
import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.store.CacheTable;
import io.pgjcache.internal.codec.DigestKey;
import io.pgjcache.internal.store.StoredEntry;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.event.EventType;

/**
 * One cache's side of the notifications: invalidations drop near copies, and other nodes' entry events reach
 * this node's listeners, one at a time in arrival order (their commit order) on the manager's executor, so that
 * the LISTEN thread never waits for a listener.
 */
final class CacheSubscriber<K, V> implements NotificationRouter.Subscriber {
  private static final System.Logger LOG = System.getLogger(CacheSubscriber.class.getName());

  private final Cache<K, V> source;
  private final CacheResources<K, V> parts;
  private final CacheTable table;
  private final EventDispatcher<K, V> events;
  private final Executor lane;

  CacheSubscriber(Cache<K, V> source, CacheResources<K, V> parts, CacheTable table, EventDispatcher<K, V> events,
      Executor executor) {
    this.source = source;
    this.parts = parts;
    this.table = table;
    this.events = events;
    this.lane = new OrderedExecutor(executor);
  }

  @Override
  public void invalidate(List<DigestKey> keys, int senderPid) {
    parts.metrics().invalidationsReceived(keys.size());
    NearCache near = parts.near();
    if (near != null) {
      keys.forEach(key -> near.onNotification(key, senderPid));
    }
  }

  @Override
  public void invalidateAllNotified() {
    parts.metrics().cacheInvalidationReceived();
    invalidateAll();
  }

  @Override
  public void invalidateAll() {
    NearCache near = parts.near();
    if (near != null) {
      near.invalidateAll();
    }
  }

  /** A create or update whose value did not fit in the message is completed with the value the table holds now. */
  @Override
  public void clusterEvent(ClusterEvents.Incoming incoming) {
    // A closed cache has no listeners left.
    if (!events.hasListeners()) {
      return;
    }
    lane.execute(() -> {
      try {
        events.publish(List.of(decode(incoming)));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "pgjcache: cache '" + parts.name()
            + "': an event from another node could not be delivered", e);
      }
    });
  }

  private PgCacheEntryEvent<K, V> decode(ClusterEvents.Incoming incoming) {
    CacheCodec<K, V> codec = parts.codec();
    // Verified (when signing is on) before anything is decoded, exactly as a row's key and values are.
    byte[] rowKey = table.rowKey(codec.unsignedOfStoredKey(incoming.key()));
    K key = codec.decodeKey(incoming.key(), rowKey);
    byte[] valueBytes = incoming.value();
    boolean gone = incoming.type() == EventType.REMOVED || incoming.type() == EventType.EXPIRED;
    if (valueBytes == null && !gone) {
      Database database = parts.database();
      StoredEntry row = database.autoCommit(EntryEngine.describe(parts.name(), "event"), c -> table.read(c, rowKey));
      valueBytes = row == null ? null : row.valueBytes();
    }
    V value = valueBytes == null ? null : codec.decodeValue(valueBytes, rowKey);
    V old = incoming.oldValue() == null ? null : codec.decodeValue(incoming.oldValue(), rowKey);
    return new PgCacheEntryEvent<>(source, incoming.type(), key, gone ? old : value, old,
        incoming.oldValue() != null);
  }
}
