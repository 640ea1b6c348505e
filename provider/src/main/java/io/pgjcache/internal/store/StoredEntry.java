package io.pgjcache.internal.store;

/**
 * One row of a cache table as read.
 *
 * @param rowKey     primary key (see {@link CacheTable#rowKey})
 * @param keyBytes   encoded key (null where the query did not fetch it)
 * @param valueBytes encoded value
 * @param expiresAt  epoch milliseconds after which the entry is gone; {@link #ETERNAL} for none
 */
public record StoredEntry(byte[] rowKey, byte[] keyBytes, byte[] valueBytes, long expiresAt) {
  /** Stored as NULL. */
  public static final long ETERNAL = Long.MAX_VALUE;

  public boolean isExpiredAt(long now) {
    return expiresAt <= now;
  }
}
