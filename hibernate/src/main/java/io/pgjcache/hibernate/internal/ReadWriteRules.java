package io.pgjcache.hibernate.internal;

import java.util.Comparator;

/**
 * The rules of Hibernate's READ_WRITE strategy, as pure functions of what a key holds ({@code null}, a
 * {@link CachedItem} or a {@link SoftLocked}) and the clock: the region applies each inside one atomic step of the
 * cache ({@code invoke}), so that no other node can change the key between the check and the change.
 *
 * <p>Times are Hibernate's region-factory timestamps; a transaction's time is when it began.
 */
final class ReadWriteRules {
  private ReadWriteRules() {
  }

  /** The value a transaction that began at {@code txTime} may read, or null. */
  static Object readable(Object held, long txTime) {
    return held instanceof CachedItem item && item.cachedAt() < txTime ? item.value() : null;
  }

  /**
   * Whether state read from the database by a transaction that began at {@code txTime} may replace what the key
   * holds: nothing; an older version; or a lock whose holders are gone (released before the transaction began, or
   * timed out).
   */
  static boolean mayPutFromLoad(Object held, long txTime, Object version, Comparator<Object> versions) {
    if (held == null) {
      return true;
    }
    if (held instanceof CachedItem item) {
      return isOlder(item.version(), version, versions);
    }
    if (held instanceof SoftLocked lock) {
      if (txTime > lock.timeout()) {
        return true;
      }
      if (!lock.holders().isEmpty()) {
        return false;
      }
      return lock.version() == null ? txTime > lock.releasedAt() : isOlder(lock.version(), version, versions);
    }
    // Something this strategy did not write (a region shared with another strategy): leave it.
    return false;
  }

  private static boolean isOlder(Object held, Object offered, Comparator<Object> versions) {
    return held != null && offered != null && versions != null && versions.compare(held, offered) < 0;
  }

  /** What the key holds once {@code token} locks it. */
  static SoftLocked lock(Object held, SoftLocked.Token token, long timeout) {
    if (held instanceof SoftLocked lock && !lock.holders().isEmpty()) {
      return lock.with(token, timeout);
    }
    Object version = held instanceof CachedItem item ? item.version() : null;
    return new SoftLocked(java.util.Set.of(token), false, version, timeout, 0);
  }

  /**
   * What the key holds once {@code token} releases its lock without putting anything: the lock without it, or, when
   * the token no longer holds it (it timed out and was replaced), a lock released now.
   */
  static SoftLocked release(Object held, SoftLocked.Token token, long now, long timeout) {
    if (held instanceof SoftLocked lock && lock.holders().contains(token)) {
      return lock.without(token, now);
    }
    return SoftLocked.releasedAt(now, timeout);
  }

  /**
   * What the key holds after the transaction holding {@code token} committed a change to {@code value}: the new
   * item if it held the lock alone; otherwise its release (another transaction changed the key meanwhile, and only
   * the database knows which state is last).
   */
  static Object afterUpdate(Object held, SoftLocked.Token token, Object value, Object version, long now,
      long timeout) {
    if (held instanceof SoftLocked lock && lock.holders().contains(token) && !lock.concurrent()) {
      return new CachedItem(value, version, now);
    }
    return release(held, token, now, timeout);
  }
}
