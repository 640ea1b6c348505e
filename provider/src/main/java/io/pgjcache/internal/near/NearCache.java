package io.pgjcache.internal.near;

import io.pgjcache.internal.store.DigestKey;
import io.pgjcache.internal.store.StoredEntry;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
 * <p>Values are held encoded and decoded on every hit, so callers never share an instance (store by value);
 * only a value of an {@linkplain ImmutableTypes immutable type}, which no caller can change, is decoded once
 * and {@linkplain #share shared}. Thread-safe and lock-free.
 */
public final class NearCache {
  /**
   * A cached copy: the encoded value, when it expires (epoch ms), and the decoded value when it is of an
   * immutable type (so that hits need not decode it again), else null.
   */
  public record Entry(byte[] valueBytes, long expiresAt, Object shared) {
    Entry(byte[] valueBytes, long expiresAt) {
      this(valueBytes, expiresAt, null);
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

  private final ConcurrentMap<DigestKey, Object> entries = new ConcurrentHashMap<>();
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
      if (entry.expiresAt() == StoredEntry.ETERNAL || entry.expiresAt() > clock.getAsLong()) {
        return entry;
      }
      entries.remove(key, entry);
    }
    return null;
  }

  /** Announces a read of the store for this key; null when nothing may be installed now. */
  public Token begin(DigestKey key) {
    long generation = stream.generation();
    if (!stream.isLive()) {
      return null;
    }
    Token token = new Token(generation);
    entries.put(key, token);
    return token;
  }

  /** Installs what the read found, unless the key was invalidated since {@link #begin}. */
  public void complete(DigestKey key, Token token, byte[] valueBytes, long expiresAt) {
    if (token == null) {
      return;
    }
    if (valueBytes == null || token.generation != stream.generation()) {
      entries.remove(key, token);
      return;
    }
    Entry entry = new Entry(valueBytes, expiresAt);
    if (!entries.replace(key, token, entry)) {
      return;
    }
    // The stream changes generation before it clears the map: if it changed after our check above, the
    // clear may have run before our install, so take the install back.
    if (token.generation != stream.generation()) {
      entries.remove(key, entry);
    } else if (entries.size() > maxEntries) {
      shrink();
    }
  }

  /**
   * Keeps the decoded value of a copy, which must be of an immutable type, if the copy is still there: an
   * invalidation in between removed it, and then nothing is kept. Since a copy equals its shared variant,
   * {@link #complete}'s taking back of an install also takes back the shared variant.
   */
  public void share(DigestKey key, Entry copy, Object value) {
    entries.replace(key, copy, new Entry(copy.valueBytes(), copy.expiresAt(), value));
  }

  /** Abandons a read that failed. */
  public void abandon(DigestKey key, Token token) {
    if (token != null) {
      entries.remove(key, token);
    }
  }

  public void invalidate(DigestKey key) {
    entries.remove(key);
  }

  public void invalidateAll() {
    entries.clear();
  }

  public int maxEntries() {
    return maxEntries;
  }

  public int size() {
    return entries.size();
  }

  /** Drops about a tenth of the bound so that shrinking is rare. */
  private void shrink() {
    int excess = entries.size() - maxEntries + Math.max(1, maxEntries / 10);
    Iterator<Object> iterator = entries.values().iterator();
    while (excess > 0 && iterator.hasNext()) {
      if (iterator.next() instanceof Entry) {
        iterator.remove();
        excess--;
      }
    }
  }
}
