package io.pgjcache.hibernate.internal;

import java.io.Serial;
import java.io.Serializable;

/**
 * An unlocked item of a READ_WRITE region: Hibernate's cached state, its version (null when the data has none),
 * and when it was cached. A transaction that began before that may not read it: it could not have seen the change
 * that produced it.
 */
record CachedItem(Object value, Object version, long cachedAt) implements Serializable {
  @Serial
  private static final long serialVersionUID = 1L;
}
