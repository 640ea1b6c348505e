package io.pgjcache.internal.cache;

import io.pgjcache.internal.HashCapacity;
import io.pgjcache.internal.codec.CacheCodec;
import io.pgjcache.internal.codec.EncodedKey;
import io.pgjcache.internal.db.Connections;
import io.pgjcache.internal.expiry.ExpiryRules;
import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.store.CacheTable;
import io.pgjcache.internal.codec.DigestKey;
import io.pgjcache.internal.codec.ImmutableTypes;
import io.pgjcache.internal.store.StoredEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How one cache reads: from its near cache when it has one and the copy is live, else from the table, installing
 * what it read into the near cache under a token (so that a change heard meanwhile wins over the read). Applies
 * the access expiry of what it read. The near cache is optional: without one every read goes to PostgreSQL.
 *
 * <p>Where its statements run is the {@link Connections} it is given: the cache's pool, or a caller's transaction
 * (then without a near cache, since what a transaction reads may be its own uncommitted writes).
 *
 * <p>Thread-safe; holds no lock across I/O.
 */
public final class EntryReader<K, V> {
  private final String name;
  private final Connections connections;
  private final CacheTable table;
  private final CacheCodec<K, V> codec;
  private final ExpiryRules expiry;
  /** Null when this cache has no near cache. */
  private final NearCache near;
  private final boolean byReference;

  EntryReader(String name, Connections connections, CacheTable table, CacheCodec<K, V> codec, ExpiryRules expiry,
      NearCache near, boolean byReference) {
    this.name = Objects.requireNonNull(name, "name");
    this.connections = Objects.requireNonNull(connections, "connections");
    this.table = Objects.requireNonNull(table, "table");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.expiry = Objects.requireNonNull(expiry, "expiry");
    this.near = near;
    this.byReference = byReference;
  }

  /**
   * The instance the near cache shares for this key, found without encoding the key, or null. Costs about as
   * much as reading the clock.
   */
  @SuppressWarnings("unchecked")
  public V shared(K key) {
    return near != null && codec.remembers(key) ? (V) near.getShared(key, EntryReader::now) : null;
  }

  /** The live value of a key, or null; an access that changes expiry writes the new expiry. */
  public V read(EncodedKey k) {
    if (expiry.isPredictable() && !expiry.accessKeepsExpiry()) {
      long now = now();
      long expiresAt = expiry.forAccess(now, StoredEntry.ETERNAL);
      byte[] value = connections.run(what("get"), c -> table.readAndSetExpiry(c, table.rowKey(k), expiresAt, now));
      return value == null ? null : codec.decodeValue(value, k);
    }
    if (near != null) {
      NearCache.Entry copy = near.get(k.digestKey(), EntryReader::now);
      if (copy != null) {
        return nearValue(k, copy);
      }
    }
    long now = now();
    NearCache.Token token = near == null ? null : near.begin(k.digestKey());
    StoredEntry row;
    try {
      row = connections.run(what("get"), c -> table.read(c, table.rowKey(k)));
    } catch (RuntimeException e) {
      if (token != null) {
        near.abandon(k.digestKey(), token);
      }
      throw e;
    }
    boolean live = row != null && !row.isExpiredAt(now);
    NearCache.Entry installed = token == null ? null
        : near.complete(k.digestKey(), token, live ? row.valueBytes() : null, live ? row.expiresAt() : 0);
    if (!live) {
      return null;
    }
    V value = codec.decodeValue(row.valueBytes(), k);
    if (value == null) {
      return forgetStale(k.digestKey());
    }
    share(k, installed, value);
    touch(table.rowKey(k), row.expiresAt(), now);
    return value;
  }

  /** A stored value the classes here cannot read any more is a miss: its near copy must not serve it either. */
  private V forgetStale(DigestKey key) {
    if (near != null) {
      near.invalidate(key);
    }
    return null;
  }

  /**
   * The live values of the keys (distinct and checked), near copies first and the rest in one round trip, in the
   * keys' order; the keys found nowhere are added to {@code missing}.
   */
  public Map<K, V> readAll(K[] keys, Set<K> missing) {
    long now = now();
    Map<K, V> result = new LinkedHashMap<>(HashCapacity.of(keys.length));
    if (near != null) {
      return readAllThroughNear(keys, now, result, missing);
    }
    // Without a near cache a read needs nothing of a key but its row key: no encoding object, no map per key.
    byte[][] rowKeys = new byte[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      rowKeys[i] = table.rowKey(codec.unsignedKey(keys[i]));
    }
    CacheTable.FoundRows rows = connections.run(what("getAll"), c -> table.readAll(c, rowKeys));
    for (int i = 0; i < keys.length; i++) {
      byte[] bytes = liveBytes(rows, i, now);
      V value = bytes == null ? null : codec.decodeValue(bytes, rowKeys[i]);
      if (value == null) {
        missing.add(keys[i]);
      } else {
        result.put(keys[i], value);
        touch(rowKeys[i], rows.expiresAt()[i], now);
      }
    }
    return result;
  }

  /** {@link #readAll} where the near copies serve first, and what the table gives is installed in the near cache. */
  private Map<K, V> readAllThroughNear(K[] keys, long now, Map<K, V> result, Set<K> missing) {
    List<K> toRead = new ArrayList<>(keys.length);
    List<EncodedKey> encoded = new ArrayList<>(keys.length);
    for (K key : keys) {
      EncodedKey k = codec.encodeKey(key);
      NearCache.Entry copy = near.get(k.digestKey(), now);
      V value = copy == null ? null : nearValue(k, copy);
      if (value != null) {
        result.put(key, value);
      } else {
        toRead.add(key);
        encoded.add(k);
      }
    }
    if (toRead.isEmpty()) {
      return result;
    }
    int count = toRead.size();
    NearCache.Token[] tokens = new NearCache.Token[count];
    byte[][] rowKeys = new byte[count][];
    for (int i = 0; i < count; i++) {
      tokens[i] = near.begin(encoded.get(i).digestKey());
      rowKeys[i] = table.rowKey(encoded.get(i));
    }
    CacheTable.FoundRows rows;
    try {
      rows = connections.run(what("getAll"), c -> table.readAll(c, rowKeys));
    } catch (RuntimeException e) {
      for (int i = 0; i < count; i++) {
        near.abandon(encoded.get(i).digestKey(), tokens[i]);
      }
      throw e;
    }
    for (int i = 0; i < count; i++) {
      EncodedKey k = encoded.get(i);
      byte[] bytes = liveBytes(rows, i, now);
      long expiresAt = rows.expiresAt()[i];
      NearCache.Entry installed = near.complete(k.digestKey(), tokens[i], bytes, bytes == null ? 0 : expiresAt);
      V value = bytes == null ? null : codec.decodeValue(bytes, k);
      if (value == null) {
        if (bytes != null) {
          forgetStale(k.digestKey());
        }
        missing.add(toRead.get(i));
      } else {
        share(k, installed, value);
        result.put(toRead.get(i), value);
        touch(rowKeys[i], expiresAt, now);
      }
    }
    return result;
  }

  /** The value bytes found at this position if its entry is live at {@code now}, else null. */
  private static byte[] liveBytes(CacheTable.FoundRows rows, int position, long now) {
    byte[] bytes = rows.values()[position];
    return bytes != null && rows.expiresAt()[position] > now ? bytes : null;
  }

  /** Whether the key has a live entry (a near copy counts). Does not count as an access. */
  public boolean contains(EncodedKey k) {
    long now = now();
    if (near != null && near.get(k.digestKey(), now) != null) {
      return true;
    }
    Long expiresAt = connections.run(what("containsKey"), c -> table.readExpiry(c, table.rowKey(k)));
    return expiresAt != null && expiresAt > now;
  }

  /** Applies the access expiry after a read that found a live entry. */
  void touch(byte[] rowKey, long currentExpiry, long now) {
    if (expiry.isPredictable() && expiry.accessKeepsExpiry()) {
      return;
    }
    long expiresAt = expiry.forAccess(now, currentExpiry);
    if (expiresAt != currentExpiry) {
      connections.run(what("get"), c -> {
        table.setExpiry(c, rowKey, expiresAt);
        return null;
      });
    }
  }

  /**
   * The value of a row read under the key's lock, or null if the classes here cannot read it any more. A
   * store-by-reference cache gives the instance its near cache holds for exactly these bytes.
   */
  @SuppressWarnings("unchecked")
  V valueOf(EncodedKey k, StoredEntry row) {
    NearCache.Entry held = byReference ? near.peek(k.digestKey(), EntryReader::now) : null;
    return held != null && held.shared() != null && Arrays.equals(held.valueBytes(), row.valueBytes())
        ? (V) held.shared() : codec.decodeValue(row.valueBytes(), k);
  }

  /**
   * The value of a near copy: the instance it shares, else a fresh decoding (shared from now on if it may be); null
   * if the classes here cannot read it any more.
   */
  @SuppressWarnings("unchecked")
  private V nearValue(EncodedKey k, NearCache.Entry copy) {
    if (copy.shared() != null) {
      return (V) copy.shared();
    }
    V value = codec.decodeValue(copy.valueBytes(), k);
    if (value == null) {
      return forgetStale(k.digestKey());
    }
    share(k, copy, value);
    return value;
  }

  /**
   * Lets the near copy keep the decoded value for later hits when callers may share it: any value of a
   * store-by-reference cache, and a value of an immutable type, which no caller can change, in any cache.
   */
  private void share(EncodedKey k, NearCache.Entry copy, V value) {
    if (copy != null && (byReference || ImmutableTypes.isImmutable(value))) {
      near.share(k.digestKey(), copy, value, k.remembered());
    }
  }

  private Supplier<String> what(String operation) {
    return EntryEngine.describe(name, operation);
  }

  static long now() {
    return System.currentTimeMillis();
  }
}
