package io.pgjcache.internal.event;

import static io.pgjcache.internal.Closeables.closeQuietly;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;

/**
 * Delivers entry events to the registered listeners of one cache, after the change has committed.
 * Synchronous listeners run in the caller's thread before the operation returns; each asynchronous one
 * has an ordered lane on the shared executor, so it sees the events in the order they were published.
 * A filter that throws is logged and treated as "no"; it never undoes or aborts a mutation.
 */
public final class EventDispatcher<K, V> {
  private static final System.Logger LOG = System.getLogger(EventDispatcher.class.getName());

  private final String cacheName;
  private final Executor asyncExecutor;
  private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();

  public EventDispatcher(String cacheName, Executor asyncExecutor) {
    this.cacheName = Objects.requireNonNull(cacheName, "cacheName");
    this.asyncExecutor = Objects.requireNonNull(asyncExecutor, "asyncExecutor");
  }

  /** One registered listener, made from its configuration's factories, and its lane for asynchronous delivery. */
  private record Registration<K, V>(CacheEntryListenerConfiguration<K, V> configuration,
      CacheEntryListener<? super K, ? super V> listener, CacheEntryEventFilter<? super K, ? super V> filter,
      Executor lane) {
  }

  public void register(CacheEntryListenerConfiguration<K, V> configuration) {
    Factory<CacheEntryListener<? super K, ? super V>> listenerFactory =
        Objects.requireNonNull(configuration.getCacheEntryListenerFactory(), "listener factory");
    Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
        configuration.getCacheEntryEventFilterFactory();
    registrations.add(new Registration<>(configuration, listenerFactory.create(),
        filterFactory == null ? null : filterFactory.create(), new OrderedExecutor(asyncExecutor)));
  }

  public void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    for (Registration<K, V> registration : registrations) {
      if (registration.configuration.equals(configuration)) {
        registrations.remove(registration);
        closeQuietly(registration.listener);
        closeQuietly(registration.filter);
      }
    }
  }

  public boolean hasListeners() {
    return !registrations.isEmpty();
  }

  /** Whether any listener wants old values (so an update must read the entry before it writes). */
  public boolean needsOldValues() {
    for (Registration<K, V> registration : registrations) {
      if (registration.configuration.isOldValueRequired()) {
        return true;
      }
    }
    return false;
  }

  /** Delivers committed events. A synchronous listener's failure reaches the caller. */
  public void publish(List<PgCacheEntryEvent<K, V>> events) {
    if (events.isEmpty()) {
      return;
    }
    for (Registration<K, V> registration : registrations) {
      List<PgCacheEntryEvent<K, V>> accepted = events.stream()
          .filter(event -> handles(registration.listener, event))
          .map(event -> registration.configuration.isOldValueRequired() ? event : event.withoutOldValue())
          .filter(event -> passes(registration, event))
          .toList();
      if (accepted.isEmpty()) {
        continue;
      }
      if (registration.configuration.isSynchronous()) {
        deliver(registration.listener, accepted);
      } else {
        registration.lane.execute(() -> deliverLogged(registration.listener, accepted));
      }
    }
  }

  public void close() {
    for (Registration<K, V> registration : registrations) {
      closeQuietly(registration.listener);
      closeQuietly(registration.filter);
    }
    registrations.clear();
  }

  private boolean passes(Registration<K, V> registration, PgCacheEntryEvent<K, V> event) {
    if (registration.filter == null) {
      return true;
    }
    try {
      return registration.filter.evaluate(event);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "pgjcache: cache '" + cacheName + "': event filter "
          + registration.filter.getClass().getName() + " failed; the event is not delivered to its listener", e);
      return false;
    }
  }

  private static boolean handles(CacheEntryListener<?, ?> listener, PgCacheEntryEvent<?, ?> event) {
    return switch (event.getEventType()) {
      case CREATED -> listener instanceof CacheEntryCreatedListener;
      case UPDATED -> listener instanceof CacheEntryUpdatedListener;
      case REMOVED -> listener instanceof CacheEntryRemovedListener;
      case EXPIRED -> listener instanceof CacheEntryExpiredListener;
    };
  }

  @SuppressWarnings("unchecked")
  private static <K, V> void deliver(CacheEntryListener<? super K, ? super V> listener,
      List<PgCacheEntryEvent<K, V>> events) {
    // Events of one call go out in runs of the same type, in order.
    int start = 0;
    while (start < events.size()) {
      int end = start;
      while (end < events.size() && events.get(end).getEventType() == events.get(start).getEventType()) {
        end++;
      }
      List<PgCacheEntryEvent<K, V>> run = events.subList(start, end);
      @SuppressWarnings("rawtypes")
      Iterable raw = run;
      try {
        switch (events.get(start).getEventType()) {
          case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(raw);
          case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(raw);
          case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(raw);
          case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(raw);
        }
      } catch (CacheEntryListenerException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CacheEntryListenerException("Cache entry listener " + listener.getClass().getName() + " failed", e);
      }
      start = end;
    }
  }

  private void deliverLogged(CacheEntryListener<? super K, ? super V> listener, List<PgCacheEntryEvent<K, V>> events) {
    try {
      deliver(listener, events);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "pgjcache: cache '" + cacheName + "': asynchronous listener "
          + listener.getClass().getName() + " failed", e);
    }
  }
}
