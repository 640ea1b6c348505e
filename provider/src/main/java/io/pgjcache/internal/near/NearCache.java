package io.pgjcache.internal.near;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pgjcache.internal.codec.DigestKey;
import io.pgjcache.internal.codec.EncodedKeys;
import io.pgjcache.internal.codec.ImmutableTypes;
import io.pgjcache.internal.store.StoredEntry;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
 * stream goes down or comes back, since messages may have been lost in between. A read or write that began
 * before {@link #invalidateAll} installs nothing either.
 *
 * <p><b>Storage and bound.</b> Copies live in a Caffeine cache bounded to {@code maxEntries} by its W-TinyLFU
 * policy, which keeps the entries a Zipf-like workload asks for most (a near cache holds copies: dropping one
 * costs a round trip, never correctness). Reads and writes in flight (tokens and pending writes) are kept
 * beside it, in a map of their own, so that they neither count against the bound nor look like accesses to the
 * policy: a miss reaches Caffeine as one insert, as it would in a plain Caffeine cache. For each key, at most
 * one of the two maps holds something, and every step that changes what a key holds runs inside Caffeine's
 * atomic {@code asMap().compute} of that key: a token or pending write is checked and taken in the same step
 * that installs the copy, and every invalidation takes both out in one step. Caffeine's maintenance
 * (eviction) runs on the thread that triggered it, so the bound holds when a write returns.
 *
 * <p><b>Own writes.</b> A store-by-reference cache keeps the instance a write stored, so this node's own
 * notification of that write must not evict it. The write {@linkplain #beginWrite places a pending write}
 * before its commit; notifications that arrive meanwhile are noted in it, not obeyed. After the commit,
 * {@link #completeWrite} installs the instance only if every notification heard came from the writing
 * session's backend (its own commit, announced at most once); otherwise nothing. An installed copy still
 * awaiting its own announcement lets exactly one notification from that backend pass; any other
 * notification evicts it. Notifications arrive in commit order, so a change committed after the write is
 * always heard after the write's own announcement and always evicts.
 *
 * <p>Values are held encoded and decoded on every hit, so callers never share an instance (store by value);
 * only a value of an {@linkplain ImmutableTypes immutable type}, which no caller can change, or any value of a
 * store-by-reference cache, is decoded once and {@linkplain #share shared}.
 *
 * <p><b>Index by key.</b> A shared copy whose caller key is remembered (see {@link EncodedKeys}) is also
 * reachable {@linkplain #getShared by that key}, so that such a hit needs no encoding lookup. The index maps
 * the caller's key to its digest key, and a hit by key still reads the copy from the Caffeine cache, which
 * both records the access for the policy and makes the copy there the only source of truth: an index entry
 * that outlived its copy finds nothing. Index entries are added and taken out inside the compute of their
 * digest key that installs or removes the copy, evictions included (Caffeine calls its eviction listener
 * inside the atomic removal), so the index stays bounded with the copies. Thread-safe; the only locks are the
 * maps' own, per key.
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

  /** The stream's generation and this cache's clear count when a read or write began. */
  private record Epoch(long generation, long clears) {
  }

  /** Marks a read in flight; identity is what matters. */
  public static final class Token {
    private final Epoch epoch;

    private Token(Epoch epoch) {
      this.epoch = epoch;
    }
  }

  /** Marks a write in flight on this node; collects the senders of the notifications heard meanwhile. */
  public static final class PendingWrite {
    private static final int SEVERAL = -1;
    private final Epoch epoch;
    /** 0 until a notification is heard, then its sender, or {@link #SEVERAL}; changed only under compute. */
    private int heard;

    private PendingWrite(Epoch epoch) {
      this.epoch = epoch;
    }

    private void hear(int senderPid) {
      heard = heard == 0 ? senderPid : SEVERAL;
    }
  }

  /**
   * Marks a key changed by a transaction this node joined that has not been announced yet (see {@link #hold}):
   * nothing is installed for it until the announcement, or until {@link #HOLD_LIMIT} has passed.
   */
  private record Hold(int writerPid, long sinceNanos) {
    boolean isOver() {
      return System.nanoTime() - sinceNanos > HOLD_LIMIT.toNanos();
    }
  }

  /**
   * How long a hold lasts at most: a transaction that rolled back announces nothing. After it the key is cached
   * again, and a commit later than that is bounded by notification latency, like any other node's change.
   */
  private static final java.time.Duration HOLD_LIMIT = java.time.Duration.ofMinutes(1);

  /** The copies, bounded; changed only through {@link #copies}' atomic operations. */
  private final Cache<DigestKey, Entry> cache;
  private final ConcurrentMap<DigestKey, Entry> copies;
  /** Reads ({@link Token}) and writes ({@link PendingWrite}) in flight, by key; changed only inside a compute. */
  private final ConcurrentMap<DigestKey, Object> inFlight = new ConcurrentHashMap<>();
  /** The digest key of each shared copy by the caller's key (see "Index by key"). */
  private final ConcurrentMap<Object, DigestKey> byKey = new ConcurrentHashMap<>();
  /** How many times {@link #invalidateAll} began. */
  private final AtomicLong clears = new AtomicLong();
  private final int maxEntries;
  private final Stream stream;
  /** What reads found, for the cache's metrics: never reset, never contended (see {@link #counts()}). */
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder bypassed = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  public NearCache(int maxEntries, Stream stream) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.stream = Objects.requireNonNull(stream, "stream");
    // Maintenance on the calling thread: no pool thread per cache, and the bound holds when a write returns.
    // It runs only when an install overflows the bound or a full read buffer is drained.
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .executor(Runnable::run)
        .<DigestKey, Entry>evictionListener((key, copy, cause) -> {
          unindex(key, copy);
          evictions.increment();
        })
        .build();
    this.copies = cache.asMap();
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
      bypassed.increment();
      return null;
    }
    Entry entry = liveCopy(key, clock);
    (entry != null ? hits : misses).increment();
    return entry;
  }

  /** As {@link #get}, but not counted as a read: for a look at the copy that a read under lock already made. */
  public Entry peek(DigestKey key, LongSupplier clock) {
    return stream.isLive() ? liveCopy(key, clock) : null;
  }

  /** The unexpired copy of a key, or null; an expired one is taken out. */
  private Entry liveCopy(DigestKey key, LongSupplier clock) {
    Entry entry = cache.getIfPresent(key);
    if (entry != null) {
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
    DigestKey key = byKey.get(callerKey);
    if (key == null) {
      return null;
    }
    Entry entry = cache.getIfPresent(key);
    if (entry == null) {
      // The copy left by a way that could not reach the index (a clear racing with an install).
      byKey.remove(callerKey, key);
      return null;
    }
    if (entry.shared() != null && isLiveAt(entry, clock)) {
      hits.increment();
      return entry.shared();
    }
    return null;
  }

  private static boolean isLiveAt(Entry entry, LongSupplier clock) {
    return entry.expiresAt() == StoredEntry.ETERNAL || entry.expiresAt() > clock.getAsLong();
  }

  /** Announces a read of the store for this key; null when nothing may be installed now. */
  public Token begin(DigestKey key) {
    Epoch epoch = epoch();
    if (epoch == null || inFlight.get(key) instanceof Hold hold && !hold.isOver()) {
      return null;
    }
    return place(key, new Token(epoch));
  }

  /**
   * Drops the key's copy because a transaction this node joined (on a caller's connection, committed by the
   * caller) changed it, and installs nothing for the key until that transaction's commit is announced: its
   * notification comes from {@code writerPid}. So readers on this node read PostgreSQL meanwhile and see the new
   * state as soon as it commits, before the announcement arrives.
   */
  public void hold(DigestKey key, int writerPid) {
    copies.compute(key, (k, held) -> {
      inFlight.put(k, new Hold(writerPid, System.nanoTime()));
      return swap(k, held, null);
    });
  }

  /**
   * Installs what the read found, unless the key was invalidated since {@link #begin}; returns the installed
   * copy, or null.
   */
  public Entry complete(DigestKey key, Token token, byte[] valueBytes, long expiresAt) {
    if (token == null) {
      return null;
    }
    if (valueBytes == null || !isCurrent(token.epoch)) {
      inFlight.remove(key, token);
      return null;
    }
    Entry entry = new Entry(valueBytes, expiresAt);
    Entry installed = copies.compute(key, (k, held) -> inFlight.remove(k, token) ? swap(k, held, entry) : held);
    return installed == entry ? kept(key, entry, token.epoch) : null;
  }

  /**
   * Announces a write of this key by this node, before its commit; null when nothing may be installed now.
   * Whatever the key held is gone.
   */
  public PendingWrite beginWrite(DigestKey key) {
    Epoch epoch = epoch();
    return epoch == null ? null : place(key, new PendingWrite(epoch));
  }

  /** The epoch a read or write begins in, or null while the stream is down. */
  private Epoch epoch() {
    long generation = stream.generation();
    return stream.isLive() ? new Epoch(generation, clears.get()) : null;
  }

  /** Puts a marker in the key's place: whatever the key held, copy or marker, is gone. */
  private <T> T place(DigestKey key, T marker) {
    copies.compute(key, (k, held) -> {
      inFlight.put(k, marker);
      return swap(k, held, null);
    });
    return marker;
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
    copies.compute(key, (k, held) -> {
      // Something that replaced the pending write goes too: a read that may have fetched the value from before
      // the commit, or another write of this node. Dropping it is always safe.
      boolean ours = inFlight.remove(k) == pending;
      if (!ours || !isCurrent(pending.epoch) || (pending.heard != 0 && pending.heard != writerPid)) {
        return swap(k, held, null);
      }
      installed[0] = new Entry(valueBytes, expiresAt, value, pending.heard == 0 ? writerPid : 0, indexKey);
      return swap(k, held, installed[0]);
    });
    if (installed[0] != null) {
      kept(key, installed[0], pending.epoch);
    }
  }

  /**
   * Whether nothing dropped every copy since the epoch began: the stream keeps its generation, and no
   * {@link #invalidateAll} began.
   */
  private boolean isCurrent(Epoch epoch) {
    return epoch.generation() == stream.generation() && epoch.clears() == clears.get();
  }

  /**
   * An install that succeeded: the stream changes generation before it clears the map, and
   * {@link #invalidateAll} counts itself before it clears, so if either happened after the check, the clear
   * may have passed the key before the install, and the install is taken back.
   */
  private Entry kept(DigestKey key, Entry entry, Epoch epoch) {
    if (!isCurrent(epoch)) {
      removeCopy(key, entry);
      return null;
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
    copies.computeIfPresent(key, (k, held) -> held.equals(copy)
        ? swap(k, held, new Entry(held.valueBytes(), held.expiresAt(), value, held.ownWriter(), indexKey)) : held);
  }

  /** Takes a copy out of the cache, and so out of the index, if it is still there. */
  private void removeCopy(DigestKey key, Entry copy) {
    copies.computeIfPresent(key, (k, held) -> held.equals(copy) ? swap(k, held, null) : held);
  }

  /**
   * What a compute of {@code key} returns to replace {@code held} by {@code next} (null: nothing), with the
   * index following: only inside that compute.
   */
  private Entry swap(DigestKey key, Entry held, Entry next) {
    unindex(key, held);
    if (next != null && next.indexKey() != null && next.shared() != null) {
      byKey.put(next.indexKey(), key);
    }
    return next;
  }

  /** Takes a copy that leaves the cache out of the index, if it is indexed. */
  private void unindex(DigestKey key, Entry copy) {
    if (copy != null && copy.indexKey() != null) {
      byKey.remove(copy.indexKey(), key);
    }
  }

  /** Abandons a read that failed. */
  public void abandon(DigestKey key, Token token) {
    if (token != null) {
      inFlight.remove(key, token);
    }
  }

  /** Drops the key's copy after a change this node made, and any read or write of it in flight. */
  public void invalidate(DigestKey key) {
    copies.compute(key, (k, held) -> {
      inFlight.remove(k);
      return swap(k, held, null);
    });
  }

  /**
   * Applies a notification that the key changed: drops its copy and any read in flight; a write in flight
   * only notes the sender, and a copy awaiting its own write's announcement outlives that one announcement.
   */
  public void onNotification(DigestKey key, int senderPid) {
    copies.compute(key, (k, held) -> {
      Object marker = inFlight.get(k);
      if (marker instanceof PendingWrite pending) {
        pending.hear(senderPid);
        return held;
      }
      if (marker instanceof Hold hold && hold.writerPid() != senderPid) {
        // Another change of the key, committed before the holding transaction: the hold stays.
        return swap(k, held, null);
      }
      if (marker != null) {
        inFlight.remove(k, marker);
      }
      return swap(k, held, held == null ? null : held.afterNotification(senderPid));
    });
  }

  /**
   * Drops every copy, and every read and write in flight: those that passed their check before the count
   * changed take their install back (see {@link #kept}).
   */
  public void invalidateAll() {
    clears.incrementAndGet();
    inFlight.clear();
    cache.invalidateAll();
    byKey.clear();
  }

  /** What reads found so far, and the evictions; a read that asked {@link #getShared} first is counted once. */
  public record Counts(long hits, long misses, long bypassed, long evictions) {
  }

  public Counts counts() {
    return new Counts(hits.sum(), misses.sum(), bypassed.sum(), evictions.sum());
  }

  /** The number of copies held, without running pending evictions first: cheap enough for a gauge. */
  public long estimatedSize() {
    return cache.estimatedSize();
  }

  public int maxEntries() {
    return maxEntries;
  }

  /** The number of caller keys indexed; never more than {@link #size()} once evictions have run. */
  int indexed() {
    cache.cleanUp();
    return byKey.size();
  }

  /** The number of copies held, after any pending eviction has run. */
  public int size() {
    cache.cleanUp();
    return (int) cache.estimatedSize();
  }
}
