package io.pgjcache.internal.cache;

import io.pgjcache.internal.event.ClusterEvents;
import io.pgjcache.internal.notify.InvalidationListener;
import io.pgjcache.internal.codec.DigestKey;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Hands what the LISTEN connection hears to the open caches, by the registry id each notification names. A cache
 * subscribes when it opens and unsubscribes when it closes; the manager only owns the connection.
 *
 * <p>Thread-safe: subscriptions change on any thread while the listener thread routes.
 */
public final class NotificationRouter implements InvalidationListener.Sink {
  /** What a cache does with the notifications for it. */
  public interface Subscriber {
    /** These keys changed in a transaction of the backend with process id {@code senderPid}. */
    void invalidate(List<DigestKey> keys, int senderPid);

    /** Anything in the cache may have changed. */
    void invalidateAll();

    /** A notification said that anything in the cache may have changed. */
    default void invalidateAllNotified() {
      invalidateAll();
    }

    /** An entry event another node published. */
    void clusterEvent(ClusterEvents.Incoming event);
  }

  private final String nodeId;
  private final ConcurrentMap<Integer, Subscriber> subscribers = new ConcurrentHashMap<>();

  /** @param nodeId this node's id, whose own published events are not delivered again */
  public NotificationRouter(String nodeId) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
  }

  public void subscribe(int cacheId, Subscriber subscriber) {
    subscribers.put(cacheId, Objects.requireNonNull(subscriber, "subscriber"));
  }

  /** Removes the subscription if it is still this subscriber's (a cache reopened under the same id keeps its own). */
  public void unsubscribe(int cacheId, Subscriber subscriber) {
    subscribers.remove(cacheId, subscriber);
  }

  @Override
  public void invalidate(int cacheId, List<DigestKey> keys, int senderPid) {
    Subscriber subscriber = subscribers.get(cacheId);
    if (subscriber != null) {
      subscriber.invalidate(keys, senderPid);
    }
  }

  @Override
  public void invalidateAll(int cacheId) {
    Subscriber subscriber = subscribers.get(cacheId);
    if (subscriber != null) {
      subscriber.invalidateAllNotified();
    }
  }

  @Override
  public void invalidateEverything() {
    subscribers.values().forEach(Subscriber::invalidateAll);
  }

  @Override
  public void clusterEvent(String payload) {
    Subscriber subscriber = subscribers.get(ClusterEvents.cacheIdOf(payload));
    if (subscriber != null) {
      ClusterEvents.decode(payload, nodeId).ifPresent(subscriber::clusterEvent);
    }
  }
}
