package io.pgjcache.internal.codec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * What recently used keys encode to (their bytes and SHA-256 digest), so that a near-cache hit need not encode
 * and hash its key again: the digest alone takes longer than the rest of a hit. Only keys of
 * {@linkplain ImmutableTypes immutable types} are remembered, since a key that can change under the map could
 * stand for another key's encoding. At most {@code bound} keys, the size of the near cache whose hits this
 * serves, chosen by the same policy as the near cache's copies (Caffeine's W-TinyLFU): the keys asked for most
 * stay remembered (forgetting costs a digest, never correctness). Thread-safe.
 *
 * @param <E> the encoding of a key
 */
public final class EncodedKeys<E> {
  private final Cache<Object, E> encodings;
  private final boolean anyKey;

  /**
   * @param anyKey remember keys of every type: for store-by-reference caches, whose keys the caller promises
   *               not to change (JCache leaves the effects of changing them undefined)
   */
  public EncodedKeys(int bound, boolean anyKey) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    // Maintenance on the calling thread, as in the near cache: no pool thread, and the bound holds on return.
    this.encodings = Caffeine.newBuilder().maximumSize(bound).executor(Runnable::run).build();
    this.anyKey = anyKey;
  }

  /** The remembered encoding of a key, or null. */
  public E get(Object key) {
    return remembers(key) ? encodings.getIfPresent(key) : null;
  }

  /** Whether keys of this one's type are remembered. */
  public boolean remembers(Object key) {
    return anyKey || ImmutableTypes.isImmutable(key);
  }

  /** Remembers a key's encoding, if keys of its type are {@linkplain #remembers remembered}. */
  public void put(Object key, E encoding) {
    if (!remembers(key)) {
      return;
    }
    encodings.put(key, encoding);
  }

  /** The number of keys remembered, after any pending eviction has run. */
  public int size() {
    encodings.cleanUp();
    return (int) encodings.estimatedSize();
  }
}
