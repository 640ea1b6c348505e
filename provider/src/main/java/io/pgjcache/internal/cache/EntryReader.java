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
import java.util.Arrays;
import java.util.HashMap;
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
      byte[] value = connections.run(what("get"), c -> table.readAndSetExpiry(c, k.digest(), expiresAt, now));
      return value == null ? null : codec.decodeValue(value, k.digest());
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
      row = connections.run(what("get"), c -> table.read(c, k.digest()));
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
    V value = codec.decodeValue(row.valueBytes(), k.digest());
    if (value == null) {
      return forgetStale(k.digestKey());
    }
    share(k, installed, value);
    touch(k, row.expiresAt(), now);
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
   * The live values of the keys, near copies first and the rest in one round trip, in the keys' order; the keys
   * found nowhere are added to {@code missing}.
   */
  public Map<K, V> readAll(Map<K, EncodedKey> keys, Set<K> missing) {
    long now = now();
    Map<K, V> result = new LinkedHashMap<>(HashCapacity.of(keys.size()));
    Map<K, EncodedKey> toRead = near == null ? keys : nearCopies(keys, now, result);
    Map<DigestKey, NearCache.Token> tokens = new HashMap<>();
    if (near != null) {
      toRead.values().forEach(k -> tokens.put(k.digestKey(), near.begin(k.digestKey())));
    }
    byte[][] digests = new byte[toRead.size()][];
    int i = 0;
    for (EncodedKey k : toRead.values()) {
      digests[i++] = k.digest();
    }
    Map<DigestKey, StoredEntry> rows;
    try {
      rows = connections.run(what("getAll"), c -> table.readAll(c, digests));
    } catch (RuntimeException e) {
      tokens.forEach((digestKey, token) -> near.abandon(digestKey, token));
      throw e;
    }
    for (Map.Entry<K, EncodedKey> entry : toRead.entrySet()) {
      DigestKey digestKey = entry.getValue().digestKey();
      StoredEntry row = rows.get(digestKey);
      boolean live = row != null && !row.isExpiredAt(now);
      NearCache.Entry installed = near == null ? null
          : near.complete(digestKey, tokens.get(digestKey), live ? row.valueBytes() : null, live ? row.expiresAt() : 0);
      V value = live ? codec.decodeValue(row.valueBytes(), row.digest()) : null;
      if (value == null) {
        if (live) {
          forgetStale(digestKey);
        }
        missing.add(entry.getKey());
      } else {
        share(entry.getValue(), installed, value);
        result.put(entry.getKey(), value);
        touch(entry.getValue(), row.expiresAt(), now);
      }
    }
    return result;
  }

  /** Puts the live near copies of the keys into {@code result}; returns the keys that have none, in their order. */
  private Map<K, EncodedKey> nearCopies(Map<K, EncodedKey> keys, long now, Map<K, V> result) {
    Map<K, EncodedKey> toRead = new LinkedHashMap<>(HashCapacity.of(keys.size()));
    for (Map.Entry<K, EncodedKey> entry : keys.entrySet()) {
      NearCache.Entry copy = near.get(entry.getValue().digestKey(), now);
      V value = copy == null ? null : nearValue(entry.getValue(), copy);
      if (value != null) {
        result.put(entry.getKey(), value);
      } else {
        toRead.put(entry.getKey(), entry.getValue());
      }
    }
    return toRead;
  }

  /** Whether the key has a live entry (a near copy counts). Does not count as an access. */
  public boolean contains(EncodedKey k) {
    long now = now();
    if (near != null && near.get(k.digestKey(), now) != null) {
      return true;
    }
    Long expiresAt = connections.run(what("containsKey"), c -> table.readExpiry(c, k.digest()));
    return expiresAt != null && expiresAt > now;
  }

  /** Applies the access expiry after a read that found a live entry. */
  void touch(EncodedKey k, long currentExpiry, long now) {
    if (expiry.isPredictable() && expiry.accessKeepsExpiry()) {
      return;
    }
    long expiresAt = expiry.forAccess(now, currentExpiry);
    if (expiresAt != currentExpiry) {
      connections.run(what("get"), c -> {
        table.setExpiry(c, k.digest(), expiresAt);
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
        ? (V) held.shared() : codec.decodeValue(row.valueBytes(), k.digest());
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
    V value = codec.decodeValue(copy.valueBytes(), k.digest());
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
