package io.pgjcache.internal.near;

import io.pgjcache.internal.store.DigestKey;
import io.pgjcache.internal.store.EncodedKeys;
import io.pgjcache.internal.store.ImmutableTypes;
import io.pgjcache.internal.store.StoredEntry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The in-process copy of one cache's hot entries on one node, kept coherent by invalidations.
 *
 * <p><b>No stale install.</b> A read that misses first {@linkplain #begin places a token} for its key, then
 * reads PostgreSQL, then {@linkplain #complete installs} its result only if its token is still there. Every
 * invalidation removes whatever the key holds, token included, so a read that raced with a change (whose
 * notification arrived before the read finished) never installs the value it read. A change whose
 * notification arrives after the install evicts the installed copy when it arrives: staleness is bounded by
 * notification latency.
 *
 * <p><b>Bypass.</b> While the invalidation stream is down nothing is served or installed, and a read that
 * began under another generation of the stream installs nothing; the owner clears the map whenever the
 * stream goes down or comes back, since messages may have been lost in between.
 *
 * <p><b>Bound.</b> At most {@code maxEntries} entries; past that, arbitrary entries are dropped (a near
 * cache holds copies: dropping one costs a round trip, never correctness).
 *
 * <p><b>Own writes.</b> A store-by-reference cache keeps the instance a write stored, so this node's own
 * notification of that write must not evict it. The write {@linkplain #beginWrite places a pending write}
 * before its commit; notifications that arrive meanwhile are noted in it, not obeyed. After the commit,
 * {@link #completeWrite} installs the instance only if every notification heard came from the writing
 * session's backend (its own commit, announced at most once); otherwise nothing. An installed copy still
 * awaiting its own announcement lets exactly one notification from that backend pass; any other
 * notification evicts it. Notifications arrive in commit order, so a change committed after the write is
 * always heard after the write's own announcement and always evicts. Notifications and installs on one key
 * are atomic with each other ({@link ConcurrentHashMap#compute} on the key).
 *
 * <p>Values are held encoded and decoded on every hit, so callers never share an instance (store by value);
 * only a value of an {@linkplain ImmutableTypes immutable type}, which no caller can change, or any value of a
 * store-by-reference cache, is decoded once and {@linkplain #share shared}.
 *
 * <p><b>Index by key.</b> A shared copy whose caller key is remembered (see {@link EncodedKeys}) is also
 * reachable {@linkplain #getShared by that key}, so that such a hit costs one map lookup, not an encoding
 * lookup plus a digest lookup. The index only ever holds copies the digest map holds: a copy enters and
 * leaves the index only inside a {@link ConcurrentHashMap#compute} of its digest key, the same step that puts
 * it into or takes it out of the digest map, so no removal can pass an index entry by. Thread-safe; the
 * only locks are the maps' own, per key.
 */
public final class NearCache {
  /**
   * A cached copy: the encoded value, when it expires (epoch ms), the decoded value when callers may share it
   * (else null), the backend process id whose one notification this copy outlives (0: none; see "Own
   * writes" above), and the caller's key under which the copy is also indexed (null: not indexed).
   */
  public record Entry(byte[] valueBytes, long expiresAt, Object shared, int ownWriter, Object indexKey) {
    Entry(byte[] valueBytes, long expiresAt) {
      this(valueBytes, expiresAt, null, 0, null);
    }

    /** A copy is its bytes and expiry; the shared decoding only caches what the bytes say. */
    @Override
    public boolean equals(Object other) {
      return other instanceof Entry that && valueBytes == that.valueBytes && expiresAt == that.expiresAt;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(valueBytes) * 31 + Long.hashCode(expiresAt);
    }

    /** What a notification from {@code senderPid} leaves of this copy: itself, no longer waiting, or nothing. */
    private Entry afterNotification(int senderPid) {
      return ownWriter != 0 && ownWriter == senderPid ? new Entry(valueBytes, expiresAt, shared, 0, indexKey) : null;
    }
  }

  /**
   * Whether invalidations are flowing. The generation changes whenever the stream goes down or comes back,
   * so that a read which began before an outage cannot install after it.
   */
  public interface Stream {
    boolean isLive();

    long generation();
  }

  /** Marks a read in flight; identity is what matters. */
  public static final class Token {
    private final long generation;

    private Token(long generation) {
      this.generation = generation;
    }
  }

  /** Marks a write in flight on this node; collects the senders of the notifications heard meanwhile. */
  public static final class PendingWrite {
    private static final int SEVERAL = -1;
    private final long generation;
    /** 0 until a notification is heard, then its sender, or {@link #SEVERAL}; changed only under compute. */
    private int heard;

    private PendingWrite(long generation) {
      this.generation = generation;
    }

    private void hear(int senderPid) {
      heard = heard == 0 ? senderPid : SEVERAL;
    }
  }

  private final ConcurrentMap<DigestKey, Object> entries = new ConcurrentHashMap<>();
  /** Shared copies by the caller's key; a subset of {@link #entries} (see "Index by key"). */
  private final ConcurrentMap<Object, Entry> byKey = new ConcurrentHashMap<>();
  private final int maxEntries;
  private final Stream stream;

  public NearCache(int maxEntries, Stream stream) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.stream = Objects.requireNonNull(stream, "stream");
  }

  /** The unexpired copy of a key, or null. */
  public Entry get(DigestKey key, long now) {
    return get(key, () -> now);
  }

  /**
   * The unexpired copy of a key, or null; reads the clock (epoch ms) only for a copy that can expire, since a
   * clock read costs about as much as the rest of a hit.
   */
  public Entry get(DigestKey key, LongSupplier clock) {
    if (!stream.isLive()) {
      return null;
    }
    Object held = entries.get(key);
    if (held instanceof Entry entry) {
      if (isLiveAt(entry, clock)) {
        return entry;
      }
      removeCopy(key, entry);
    }
    return null;
  }

  /**
   * The shared value of the unexpired copy indexed under the caller's key, or null (then ask by digest).
   * Reads the clock only for a copy that can expire.
   */
  public Object getShared(Object callerKey, LongSupplier clock) {
    if (!stream.isLive()) {
      return null;
    }
    Entry entry = byKey.get(callerKey);
    return entry != null && isLiveAt(entry, clock) ? entry.shared() : null;
  }

  private static boolean isLiveAt(Entry entry, LongSupplier clock) {
    return entry.expiresAt() == StoredEntry.ETERNAL || entry.expiresAt() > clock.getAsLong();
  }

  /** Announces a read of the store for this key; null when nothing may be installed now. */
  public Token begin(DigestKey key) {
    return place(key, Token::new);
  }

  /**
   * Installs what the read found, unless the key was invalidated since {@link #begin}; returns the installed
   * copy, or null.
   */
  public Entry complete(DigestKey key, Token token, byte[] valueBytes, long expiresAt) {
    if (token == null) {
      return null;
    }
    if (valueBytes == null || token.generation != stream.generation()) {
      entries.remove(key, token);
      return null;
    }
    Entry entry = new Entry(valueBytes, expiresAt);
    return entries.replace(key, token, entry) ? kept(key, entry, token.generation) : null;
  }

  /**
   * Announces a write of this key by this node, before its commit; null when nothing may be installed now.
   * Whatever the key held is gone.
   */
  public PendingWrite beginWrite(DigestKey key) {
    return place(key, PendingWrite::new);
  }

  /** Puts a marker of the stream's current generation in the key's place, unless the stream is down. */
  private <T> T place(DigestKey key, LongFunction<T> marker) {
    long generation = stream.generation();
    if (!stream.isLive()) {
      return null;
    }
    T placed = marker.apply(generation);
    entries.compute(key, (k, held) -> {
      unindex(held);
      return placed;
    });
    return placed;
  }

  /**
   * Installs the instance a committed write stored, if the key saw no other change since {@link #beginWrite};
   * whatever else the key holds by then is dropped, as after any write of this node.
   *
   * @param writerPid the backend process id of the session that committed the write (0 if unknown: then the
   *                  copy lasts only until the next notification of the key, which may be its own)
   */
  public void completeWrite(DigestKey key, PendingWrite pending, int writerPid, byte[] valueBytes, long expiresAt,
      Object value, Object indexKey) {
    if (pending == null) {
      return;
    }
    Entry[] installed = new Entry[1];
    entries.computeIfPresent(key, (k, held) -> {
      if (held != pending) {
        // Something replaced the pending write: a read that may have fetched the value from before the
        // commit, or another write of this node. Dropping it is always safe.
        unindex(held);
        return null;
      }
      if (pending.generation != stream.generation() || (pending.heard != 0 && pending.heard != writerPid)) {
        return null;
      }
      installed[0] = index(new Entry(valueBytes, expiresAt, value, pending.heard == 0 ? writerPid : 0, indexKey));
      return installed[0];
    });
    if (installed[0] != null) {
      kept(key, installed[0], pending.generation);
    }
  }

  /**
   * An install that succeeded: the stream changes generation before it clears the map, so if it changed after
   * the check, the clear may have run before the install, and the install is taken back.
   */
  private Entry kept(DigestKey key, Entry entry, long generation) {
    if (generation != stream.generation()) {
      removeCopy(key, entry);
      return null;
    }
    if (entries.size() > maxEntries) {
      shrink();
    }
    return entry;
  }

  /**
   * Keeps the decoded value of a copy, which callers must be allowed to share, if the copy is still there: an
   * invalidation in between removed it, and then nothing is kept. Since a copy equals its shared variant,
   * {@link #complete}'s taking back of an install also takes back the shared variant.
   *
   * @param indexKey the caller's key to index the shared copy under, or null
   */
  public void share(DigestKey key, Entry copy, Object value, Object indexKey) {
    entries.computeIfPresent(key, (k, held) -> held instanceof Entry entry && entry.equals(copy)
        ? index(new Entry(entry.valueBytes(), entry.expiresAt(), value, entry.ownWriter(), indexKey)) : held);
  }

  /** Takes a copy out of the digest map, and so out of the index, if it is still there. */
  private void removeCopy(DigestKey key, Entry copy) {
    entries.computeIfPresent(key, (k, held) -> {
      if (held instanceof Entry entry && entry.equals(copy)) {
        unindex(entry);
        return null;
      }
      return held;
    });
  }

  /**
   * Makes a shared copy reachable by its caller key. Only inside a compute of its digest key that puts it into
   * the digest map.
   */
  private Entry index(Entry entry) {
    if (entry.indexKey() != null && entry.shared() != null) {
      byKey.put(entry.indexKey(), entry);
    }
    return entry;
  }

  /**
   * Takes what the digest map held out of the index, if it is an indexed copy. Only inside a compute of its
   * digest key that takes it out of the digest map.
   */
  private void unindex(Object held) {
    if (held instanceof Entry entry && entry.indexKey() != null) {
      byKey.remove(entry.indexKey(), entry);
    }
  }

  /** Abandons a read that failed. */
  public void abandon(DigestKey key, Token token) {
    if (token != null) {
      entries.remove(key, token);
    }
  }

  /** Drops the key's copy after a change this node made, and any read or write of it in flight. */
  public void invalidate(DigestKey key) {
    entries.computeIfPresent(key, (k, held) -> {
      unindex(held);
      return null;
    });
  }

  /**
   * Applies a notification that the key changed: drops its copy and any read in flight; a write in flight
   * only notes the sender, and a copy awaiting its own write's announcement outlives that one announcement.
   */
  public void onNotification(DigestKey key, int senderPid) {
    entries.computeIfPresent(key, (k, held) -> {
      if (held instanceof PendingWrite pending) {
        pending.hear(senderPid);
        return pending;
      }
      Entry kept = held instanceof Entry entry ? entry.afterNotification(senderPid) : null;
      if (kept == null) {
        unindex(held);
      }
      return kept;
    });
  }

  /**
   * Drops every copy. Order matters: a compute that indexes a copy runs on a key the first clear has not
   * reached yet, so the second clear removes its index entry.
   */
  public void invalidateAll() {
    entries.clear();
    byKey.clear();
  }

  public int maxEntries() {
    return maxEntries;
  }

  public int size() {
    return entries.size();
  }

  /**
   * Drops about a tenth of the bound so that shrinking is rare. Each copy goes through {@link #removeCopy}: an
   * iterator's own removal would take out whatever the key holds by then, perhaps a newer, indexed copy.
   */
  private void shrink() {
    int excess = entries.size() - maxEntries + Math.max(1, maxEntries / 10);
    for (Map.Entry<DigestKey, Object> held : entries.entrySet()) {
      if (excess <= 0) {
        break;
      }
      if (held.getValue() instanceof Entry entry) {
        removeCopy(held.getKey(), entry);
        excess--;
      }
    }
  }
}
