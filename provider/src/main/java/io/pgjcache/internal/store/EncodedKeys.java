package io.pgjcache.internal.store;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What recently used keys encode to (their bytes and SHA-256 digest), so that a near-cache hit need not encode
 * and hash its key again: the digest alone takes longer than the rest of a hit. Only keys of
 * {@linkplain ImmutableTypes immutable types} are remembered, since a key that can change under the map could
 * stand for another key's encoding. At most {@code bound} keys; when full, everything is forgotten at once
 * (forgetting costs a digest, never correctness). Thread-safe.
 *
 * @param <E> the encoding of a key
 */
public final class EncodedKeys<E> {
  private final ConcurrentHashMap<Object, E> encodings = new ConcurrentHashMap<>();
  private final int bound;
  private final boolean anyKey;

  /**
   * @param anyKey remember keys of every type: for store-by-reference caches, whose keys the caller promises
   *               not to change (JCache leaves the effects of changing them undefined)
   */
  public EncodedKeys(int bound, boolean anyKey) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    this.bound = bound;
    this.anyKey = anyKey;
  }

  /** The remembered encoding of a key, or null. */
  public E get(Object key) {
    return remembers(key) ? encodings.get(key) : null;
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
    if (encodings.size() >= bound) {
      encodings.clear();
    }
    encodings.put(key, encoding);
  }

  public int size() {
    return encodings.size();
  }
}
