package io.pgjcache.internal.cache;

import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.db.Connections;
import io.pgjcache.internal.store.CacheTable;
import io.pgjcache.internal.store.StoredEntry;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import javax.cache.Cache;

/**
 * Pages through a cache's table in row key order, one round trip per page on the given {@link Connections};
 * entries that expire meanwhile are skipped. Not thread-safe, like any iterator.
 */
public final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {
  private static final int PAGE_SIZE = 256;

  private final String name;
  private final Connections connections;
  private final CacheTable table;
  private final CacheCodec<K, V> codec;
  private final EntryReader<K, V> reader;
  private final Runnable onAccess;
  private final Consumer<K> remover;
  private List<StoredEntry> page = List.of();
  private int position;
  private byte[] after = new byte[0];
  private boolean exhausted;
  private Cache.Entry<K, V> next;
  private K lastKey;

  /**
   * @param onAccess runs for each entry handed out that counts as an access (its expiry is then applied too),
   *                 or null when iterating does not count as access
   * @param remover  removes a key through the cache, for {@link #remove()}
   */
  EntryIterator(String name, Connections connections, CacheTable table, CacheCodec<K, V> codec,
      EntryReader<K, V> reader, Runnable onAccess, Consumer<K> remover) {
    this.name = name;
    this.connections = connections;
    this.table = table;
    this.codec = codec;
    this.reader = reader;
    this.onAccess = onAccess;
    this.remover = remover;
  }

  @Override
  public boolean hasNext() {
    while (next == null && !exhausted) {
      if (position == page.size()) {
        byte[] from = after;
        page = connections.run(EntryEngine.describe(name, "iterator"), c -> table.page(c, from, PAGE_SIZE));
        position = 0;
        if (page.size() < PAGE_SIZE) {
          exhausted = page.isEmpty();
        }
        if (page.isEmpty()) {
          break;
        }
        after = page.get(page.size() - 1).rowKey();
      }
      StoredEntry row = page.get(position++);
      long now = EntryReader.now();
      // A value the classes here cannot read any more is skipped, as a get would miss it.
      V value = row.isExpiredAt(now) ? null : codec.decodeValue(row.valueBytes(), row.rowKey());
      if (value != null) {
        next = new PgCacheEntry<>(codec.decodeKey(row.keyBytes(), row.rowKey()), value);
        if (onAccess != null) {
          onAccess.run();
          reader.touch(row.rowKey(), row.expiresAt(), now);
        }
      }
    }
    return next != null;
  }

  @Override
  public Cache.Entry<K, V> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Cache.Entry<K, V> entry = next;
    next = null;
    lastKey = entry.getKey();
    return entry;
  }

  @Override
  public void remove() {
    if (lastKey == null) {
      throw new IllegalStateException("next() has not been called, or remove() was already called");
    }
    remover.accept(lastKey);
    lastKey = null;
  }
}
