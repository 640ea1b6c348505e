package io.pgjcache;

import io.pgjcache.configuration.Setting;
import java.util.Objects;
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
  private Boolean nearCacheEnabled;
  private int nearCacheMaxEntries;
  private boolean clusterEvents;
  private String codec;

  public PgCacheConfiguration() {
  }

  /** A copy of any complete configuration; PostgreSQL settings are copied too when it is one of ours. */
  public PgCacheConfiguration(CompleteConfiguration<K, V> configuration) {
    super(configuration);
    if (configuration instanceof PgCacheConfiguration<K, V> ours) {
      this.unlogged = ours.unlogged;
      this.nearCacheEnabled = ours.nearCacheEnabled;
      this.nearCacheMaxEntries = ours.nearCacheMaxEntries;
      this.clusterEvents = ours.clusterEvents;
      this.codec = ours.codec;
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

  /**
   * Whether this cache keeps a near cache on each node: {@code null} (the default) follows the manager's
   * {@code pgjcache.near-cache.enabled}.
   */
  public Boolean getNearCacheEnabled() {
    return nearCacheEnabled;
  }

  public PgCacheConfiguration<K, V> setNearCacheEnabled(Boolean enabled) {
    this.nearCacheEnabled = enabled;
    return this;
  }

  /** Most entries of this cache's near cache on one node; 0 (the default) follows the manager's setting. */
  public int getNearCacheMaxEntries() {
    return nearCacheMaxEntries;
  }

  public PgCacheConfiguration<K, V> setNearCacheMaxEntries(int maxEntries) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries cannot be negative, got " + maxEntries);
    }
    this.nearCacheMaxEntries = maxEntries;
    return this;
  }

  /**
   * Whether this cache's entry listeners hear changes made on every node, not just this one (default
   * false). The events travel as notifications inside each writer's transaction, so every node that
   * writes to the cache must have this on; writes then always read the entry before they write it.
   */
  public boolean isClusterEvents() {
    return clusterEvents;
  }

  public PgCacheConfiguration<K, V> setClusterEvents(boolean clusterEvents) {
    this.clusterEvents = clusterEvents;
    return this;
  }

  /**
   * How this cache's keys and values are stored: {@code java}, {@code json} or {@code kryo}; null (the default)
   * follows {@code pgjcache.cache.<name>.codec}, else the manager's {@code pgjcache.codec}. The choice is recorded
   * with the cache when its table is created: a node that opens the cache with another codec fails.
   */
  public String getCodec() {
    return codec;
  }

  public PgCacheConfiguration<K, V> setCodec(String codec) {
    this.codec = codec == null ? null : Setting.CODEC.parseCodec(codec);
    return this;
  }

  @Override
  public boolean equals(Object other) {
    return super.equals(other) && other instanceof PgCacheConfiguration<?, ?> that && unlogged == that.unlogged
        && Objects.equals(nearCacheEnabled, that.nearCacheEnabled) && nearCacheMaxEntries == that.nearCacheMaxEntries
        && clusterEvents == that.clusterEvents && Objects.equals(codec, that.codec);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), unlogged, nearCacheEnabled, nearCacheMaxEntries, clusterEvents, codec);
  }
}
