package io.pgjcache;

import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;

/**
 * A JCache configuration with the settings that only a PostgreSQL-backed cache has. Anything that
 * accepts a {@link MutableConfiguration} accepts this; the provider also applies
 * {@code pgjcache.cache.<name>.*} settings on top, so that caches created by frameworks can be tuned.
 *
 * <p>The cache keeps its own copy: changing this object after {@code createCache} changes nothing.
 */
public class PgCacheConfiguration<K, V> extends MutableConfiguration<K, V> {
  private static final long serialVersionUID = 1L;

  private boolean unlogged = true;

  public PgCacheConfiguration() {
  }

  /** A copy of any complete configuration; PostgreSQL settings are copied too when it is one of ours. */
  public PgCacheConfiguration(CompleteConfiguration<K, V> configuration) {
    super(configuration);
    if (configuration instanceof PgCacheConfiguration<K, V> ours) {
      this.unlogged = ours.unlogged;
    }
  }

  /**
   * Whether entries live in an UNLOGGED table (the default): writes skip the write-ahead log, which
   * makes them several times faster; the table is emptied after a server crash and is not replicated
   * to standbys. A logged table survives crashes and fails over with the database.
   * Applies when the cache's table is first created.
   */
  public boolean isUnlogged() {
    return unlogged;
  }

  public PgCacheConfiguration<K, V> setUnlogged(boolean unlogged) {
    this.unlogged = unlogged;
    return this;
  }

  @Override
  public boolean equals(Object other) {
    return super.equals(other) && other instanceof PgCacheConfiguration<?, ?> that && unlogged == that.unlogged;
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + Boolean.hashCode(unlogged);
  }
}
