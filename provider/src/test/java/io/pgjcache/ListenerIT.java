package io.pgjcache;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgjcache.internal.event.EventDispatcher;
import io.pgjcache.testing.Cluster;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Entry listeners on one node: the events, their old values, filters, and failures. */
class ListenerIT {
  private static final AtomicInteger CACHES = new AtomicInteger();
  private static Cluster cluster;

  private Cache<String, String> cache;

  @BeforeAll
  static void start() {
    cluster = Cluster.of(1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @BeforeEach
  void createCache() {
    cache = cluster.node(0).createCache("listeners-" + CACHES.incrementAndGet(),
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  /** What a listener saw of one event. */
  record Seen(EventType type, String key, String value, String oldValue, boolean oldValueAvailable) {
    static Seen of(CacheEntryEvent<? extends String, ? extends String> event) {
      return new Seen(event.getEventType(), event.getKey(), event.getValue(), event.getOldValue(),
          event.isOldValueAvailable());
    }
  }

  /** Records created, updated and removed events. */
  static class Recorder implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String> {
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(event -> seen.add(Seen.of(event)));
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(event -> seen.add(Seen.of(event)));
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(event -> seen.add(Seen.of(event)));
    }
  }

  private static MutableCacheEntryListenerConfiguration<String, String> registration(Recorder recorder,
      CacheEntryEventFilter<String, String> filter, boolean oldValueRequired, boolean synchronous) {
    return new MutableCacheEntryListenerConfiguration<>(() -> recorder, filter == null ? null : () -> filter,
        oldValueRequired, synchronous);
  }

  @Test
  void createdUpdatedAndRemovedEvents_carryOldValues_whenAskedFor() {
    Recorder recorder = new Recorder();
    cache.registerCacheEntryListener(registration(recorder, null, true, true));
    cache.put("k", "v1");
    cache.put("k", "v2");
    cache.getAndPut("k", "v3");
    cache.replace("k", "v3", "v4");
    cache.invoke("k", (entry, args) -> {
      entry.setValue(entry.getValue() + "!");
      return null;
    });
    cache.remove("k");
    assertThat(recorder.seen).containsExactly(
        new Seen(EventType.CREATED, "k", "v1", null, false),
        new Seen(EventType.UPDATED, "k", "v2", "v1", true),
        new Seen(EventType.UPDATED, "k", "v3", "v2", true),
        new Seen(EventType.UPDATED, "k", "v4", "v3", true),
        new Seen(EventType.UPDATED, "k", "v4!", "v4", true),
        new Seen(EventType.REMOVED, "k", "v4!", "v4!", true));
  }

  @Test
  void operationsThatChangeNothing_fireNothing() {
    cache.put("k", "v");
    Recorder recorder = new Recorder();
    cache.registerCacheEntryListener(registration(recorder, null, true, true));
    cache.putIfAbsent("k", "other");
    cache.replace("absent", "x");
    cache.replace("k", "not the value", "x");
    cache.remove("absent");
    cache.remove("k", "not the value");
    cache.get("k");
    assertThat(recorder.seen).isEmpty();
  }

  @Test
  void withoutOldValueRequired_updatesCarryNoOldValue() {
    Recorder recorder = new Recorder();
    cache.registerCacheEntryListener(registration(recorder, null, false, true));
    cache.put("k", "v1");
    cache.put("k", "v2");
    assertThat(recorder.seen).containsExactly(
        new Seen(EventType.CREATED, "k", "v1", null, false),
        new Seen(EventType.UPDATED, "k", "v2", null, false));
  }

  @Test
  void aFilter_choosesTheEventsItsListenerGets() {
    Recorder recorder = new Recorder();
    cache.registerCacheEntryListener(registration(recorder, event -> event.getKey().startsWith("yes"), false, true));
    cache.putAll(Map.of("yes-1", "v", "no-1", "v"));
    cache.put("yes-2", "v");
    cache.put("no-2", "v");
    assertThat(recorder.seen).extracting(Seen::key).containsExactlyInAnyOrder("yes-1", "yes-2");
  }

  @Test
  void aThrowingFilter_isLoggedAndSkipped_andTheMutationStillHappens() {
    Recorder filtered = new Recorder();
    Recorder unfiltered = new Recorder();
    cache.registerCacheEntryListener(registration(filtered, event -> {
      throw new IllegalStateException("filter failure for the test");
    }, false, true));
    cache.registerCacheEntryListener(registration(unfiltered, null, false, true));
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    // The provider logs through System.Logger, which java.util.logging backs here.
    Logger logger = Logger.getLogger(EventDispatcher.class.getName());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    logger.addHandler(capture);
    try {
      cache.put("k", "v");
      cache.remove("k");
      cache.put("k", "again");
    } finally {
      logger.removeHandler(capture);
    }
    assertThat(cache.get("k")).isEqualTo("again");
    assertThat(filtered.seen).isEmpty();
    assertThat(unfiltered.seen).extracting(Seen::type)
        .containsExactly(EventType.CREATED, EventType.REMOVED, EventType.CREATED);
    assertThat(logged).hasSize(3).allSatisfy(record -> {
      assertThat(record.getLevel()).isEqualTo(Level.WARNING);
      assertThat(record.getMessage()).contains(cache.getName(), "filter");
      assertThat(record.getThrown()).hasMessage("filter failure for the test");
    });
  }

  @Test
  void aThrowingSynchronousListener_reachesTheCaller_afterTheChangeIsStored() {
    CacheEntryCreatedListener<String, String> failing = events -> {
      throw new IllegalStateException("listener failure for the test");
    };
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(() -> failing, null, false, true));
    assertThatThrownBy(() -> cache.put("k", "v")).isInstanceOf(CacheEntryListenerException.class);
    assertThat(cache.get("k")).isEqualTo("v");
  }

  @Test
  void asynchronousListeners_receiveTheEvents_inTheOrderTheyHappened() {
    CountDownLatch gate = new CountDownLatch(1);
    Recorder recorder = new Recorder() {
      @Override
      public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
        // Held until every update is published: later events must queue behind this one.
        try {
          gate.await(5, SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        super.onCreated(events);
      }
    };
    cache.registerCacheEntryListener(registration(recorder, null, true, false));
    int updates = 100;
    for (int i = 0; i <= updates; i++) {
      cache.put("k", "v" + i);
    }
    gate.countDown();
    await().atMost(5, SECONDS).until(() -> recorder.seen.size() == updates + 1);
    assertThat(recorder.seen.get(0)).isEqualTo(new Seen(EventType.CREATED, "k", "v0", null, false));
    for (int i = 1; i <= updates; i++) {
      assertThat(recorder.seen.get(i)).isEqualTo(new Seen(EventType.UPDATED, "k", "v" + i, "v" + (i - 1), true));
    }
  }

  @Test
  void deregistering_stopsTheEvents_andARegistrationCannotBeMadeTwice() {
    Recorder recorder = new Recorder();
    MutableCacheEntryListenerConfiguration<String, String> registration = registration(recorder, null, false, true);
    cache.registerCacheEntryListener(registration);
    assertThatThrownBy(() -> cache.registerCacheEntryListener(registration))
        .isInstanceOf(IllegalArgumentException.class);
    cache.put("k", "v1");
    cache.deregisterCacheEntryListener(registration);
    cache.put("k", "v2");
    assertThat(recorder.seen).extracting(Seen::value).containsExactly("v1");
  }
}
