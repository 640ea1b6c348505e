package io.pgjcache.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import javax.cache.Cache;
import javax.cache.event.EventType;
import org.junit.jupiter.api.Test;

class PgCacheEntryEventTest {
  /** Events only need a non-null source; none of these tests calls it. */
  @SuppressWarnings("unchecked")
  private static final Cache<String, String> SOURCE = (Cache<String, String>) Proxy.newProxyInstance(
      Cache.class.getClassLoader(), new Class<?>[] {Cache.class}, (proxy, method, args) -> {
        throw new UnsupportedOperationException(method.getName());
      });

  @Test
  void withoutOldValue_ofARemoval_dropsTheValueToo_becauseItIsTheOldValue() {
    var removed = new PgCacheEntryEvent<>(SOURCE, EventType.REMOVED, "k", "v", "v", true);

    var seen = removed.withoutOldValue();

    assertThat(seen.isOldValueAvailable()).isFalse();
    assertThat(seen.getOldValue()).isNull();
    assertThat(seen.getValue()).isNull();
    assertThat(seen.getKey()).isEqualTo("k");
  }

  @Test
  void withoutOldValue_ofAnExpiry_dropsTheValueToo() {
    var expired = new PgCacheEntryEvent<>(SOURCE, EventType.EXPIRED, "k", "v", "v", true);

    assertThat(expired.withoutOldValue().getValue()).isNull();
  }

  @Test
  void withoutOldValue_ofAnUpdate_keepsTheNewValue() {
    var updated = new PgCacheEntryEvent<>(SOURCE, EventType.UPDATED, "k", "new", "old", true);

    var seen = updated.withoutOldValue();

    assertThat(seen.getValue()).isEqualTo("new");
    assertThat(seen.getOldValue()).isNull();
    assertThat(seen.isOldValueAvailable()).isFalse();
  }
}
