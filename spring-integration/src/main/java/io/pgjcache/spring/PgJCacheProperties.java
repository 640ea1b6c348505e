package io.pgjcache.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code pgjcache.*} settings of a Spring Boot application. They are handed to the provider under
 * its own names (see {@link io.pgjcache.configuration.Setting}); a setting left unset here is not handed over, so the
 * provider's default applies (or its {@code PGJCACHE_*} environment variable): the provider's
 * {@code Setting} enum is the one source of every default. Per-cache settings {@code pgjcache.caches.<name>.*}
 * become {@code pgjcache.cache.<name>.*}, so they apply to every cache of that name, whoever creates it:
 * {@code spring.cache.cache-names}, a {@code @Cacheable} or Hibernate.
 *
 * <p>A cache name with dots is written in brackets: {@code pgjcache.caches[com.example.Order].expiry-after-write}.
 */
@ConfigurationProperties("pgjcache")
public class PgJCacheProperties {
  /** Schema of the registry table and of every cache table. Unset: the provider's default. */
  private String schema;

  /**
   * Whether the caches this node registers keep keys shorter than 32 bytes as their own primary keys (false while
   * nodes of a version that keyed every row by its digest still run). Unset: the provider's default, true.
   */
  private Boolean verbatimShortKeys;

  /**
   * Whether cache puts and evictions made inside a Spring-managed transaction wait until it commits (and
   * are dropped when it rolls back). Applies when the application has a PlatformTransactionManager.
   */
  private boolean transactionAware = true;

  /**
   * What cache puts and evictions inside a Spring-managed transaction do: join (run in the transaction, committing
   * or rolling back with it; needs the caches on the application's DataSource, else defer applies), defer (wait for
   * the commit) or immediate. Applies when the application has a PlatformTransactionManager and
   * transaction-aware is true.
   */
  private TransactionMode transactionMode = TransactionMode.JOIN;

  /**
   * Whether a cache that a @Cacheable (or any other lookup through Spring's CacheManager) names, and that
   * does not exist yet, is created on first use. When false, such a lookup fails; list the caches in
   * spring.cache.cache-names instead.
   */
  private boolean createMissingCaches = true;

  /**
   * Longest a single cache statement may run before the server cancels it. Applies to the provider's own
   * pool (pgjcache.jdbc.url), not to the application's DataSource. Unset: the provider's default.
   */
  private Duration statementTimeout;

  /**
   * How long an operation waits for a connection before it fails. Applies to the provider's own pool
   * (pgjcache.jdbc.url), not to the application's DataSource. Unset: the provider's default.
   */
  private Duration connectionTimeout;

  /**
   * java.io.ObjectInputFilter pattern consulted first for every Java-deserialized key and value; classes it
   * allows are added to the provider's built-in allow-list (end it with !* to replace the list).
   */
  private String serialFilter;

  /** Most bytes an encoded key may take. Defaults to the provider's (64 KiB). */
  private Integer maxKeySize;

  /** Most bytes an encoded value may take. Defaults to the provider's (64 MiB). */
  private Integer maxValueSize;

  /**
   * Secret of at least 32 bytes shared by every node: stored keys, values and cluster events are signed with it,
   * and refused without a valid signature. Unset: nothing is signed.
   */
  private String signingKey;

  /**
   * How keys and values are stored: java (the provider's default), json (values as jsonb documents, written with
   * the application's Jackson mapper: Jackson 3's JsonMapper on Boot 4, Jackson 2's ObjectMapper on Boot 3) or kryo
   * (needs com.esotericsoftware:kryo).
   */
  private String codec;

  /** During a key rotation, the former signing key: still accepted when verifying, never used to sign. */
  private String previousSigningKey;

  private final Jdbc jdbc = new Jdbc();

  private final Pool pool = new Pool();

  private final Sweep sweep = new Sweep();

  /** The one direct connection per node that receives invalidations. */
  private final Listen listen = new Listen();

  /** The in-process copy of hot entries on each node. */
  private final NearCache nearCache = new NearCache();

  /** The pgjcache health contributor of Spring Boot Actuator. */
  private final Health health = new Health();

  /**
   * Settings of individual caches, by cache name: expiry-after-write and unlogged. A name with dots goes in
   * brackets: pgjcache.caches[com.example.Order].expiry-after-write.
   */
  private final Map<String, PerCache> caches = new LinkedHashMap<>();

  public String getSchema() {
    return schema;
  }

  public void setSchema(String schema) {
    this.schema = schema;
  }

  public Boolean getVerbatimShortKeys() {
    return verbatimShortKeys;
  }

  public void setVerbatimShortKeys(Boolean verbatimShortKeys) {
    this.verbatimShortKeys = verbatimShortKeys;
  }

  public TransactionMode getTransactionMode() {
    return transactionMode;
  }

  public void setTransactionMode(TransactionMode transactionMode) {
    this.transactionMode = transactionMode;
  }

  public boolean isTransactionAware() {
    return transactionAware;
  }

  public void setTransactionAware(boolean transactionAware) {
    this.transactionAware = transactionAware;
  }

  public boolean isCreateMissingCaches() {
    return createMissingCaches;
  }

  public void setCreateMissingCaches(boolean createMissingCaches) {
    this.createMissingCaches = createMissingCaches;
  }

  public Duration getStatementTimeout() {
    return statementTimeout;
  }

  public void setStatementTimeout(Duration statementTimeout) {
    this.statementTimeout = statementTimeout;
  }

  public Duration getConnectionTimeout() {
    return connectionTimeout;
  }

  public void setConnectionTimeout(Duration connectionTimeout) {
    this.connectionTimeout = connectionTimeout;
  }

  public String getSerialFilter() {
    return serialFilter;
  }

  public void setSerialFilter(String serialFilter) {
    this.serialFilter = serialFilter;
  }

  public Integer getMaxKeySize() {
    return maxKeySize;
  }

  public void setMaxKeySize(Integer maxKeySize) {
    this.maxKeySize = maxKeySize;
  }

  public Integer getMaxValueSize() {
    return maxValueSize;
  }

  public void setMaxValueSize(Integer maxValueSize) {
    this.maxValueSize = maxValueSize;
  }

  public String getSigningKey() {
    return signingKey;
  }

  public String getCodec() {
    return codec;
  }

  public void setCodec(String codec) {
    this.codec = codec;
  }

  public void setSigningKey(String signingKey) {
    this.signingKey = signingKey;
  }

  public String getPreviousSigningKey() {
    return previousSigningKey;
  }

  public void setPreviousSigningKey(String previousSigningKey) {
    this.previousSigningKey = previousSigningKey;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  public Pool getPool() {
    return pool;
  }

  public Sweep getSweep() {
    return sweep;
  }

  public Listen getListen() {
    return listen;
  }

  public NearCache getNearCache() {
    return nearCache;
  }

  public Health getHealth() {
    return health;
  }

  public Map<String, PerCache> getCaches() {
    return caches;
  }

  /**
   * A database connection of the provider's own. Without a URL, caches use the application's DataSource.
   */
  public static class Jdbc {
    /**
     * JDBC URL for a small connection pool of the caches' own (for instance ${spring.datasource.url}),
     * instead of sharing the application's DataSource.
     */
    private String url;

    /** Database user of the caches' own pool. */
    private String user;

    /** Database password of the caches' own pool. */
    private String password;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getUser() {
      return user;
    }

    public void setUser(String user) {
      this.user = user;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }
  }

  /** The caches' own connection pool, used only with pgjcache.jdbc.url. */
  public static class Pool {
    /** Maximum connections of the caches' own pool. Unset: the provider's default. */
    private Integer size;

    public Integer getSize() {
      return size;
    }

    public void setSize(Integer size) {
      this.size = size;
    }
  }

  /** The background deletion of expired entries. */
  public static class Sweep {
    /**
     * How often expired entries are deleted; 0 turns the sweeper off (reads still never return them). Unset: the
     * provider's default.
     */
    private Duration interval;

    /** Most rows one sweep transaction deletes. Unset: the provider's default. */
    private Integer batchSize;

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public Integer getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(Integer batchSize) {
      this.batchSize = batchSize;
    }
  }

  /** The LISTEN connection. */
  public static class Listen {
    /**
     * Direct JDBC URL for LISTEN, when the application's DataSource goes through PgBouncer in transaction
     * mode or is not a HikariCP or pgjdbc DataSource. Defaults to the DataSource's own URL.
     */
    private String url;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }
  }

  /** The pgjcache health contributor. */
  public static class Health {
    /**
     * Health status while the LISTEN connection is down: the caches work, but their near caches are bypassed. UP
     * (with details saying so) keeps the application's aggregate status as Boot users expect; a custom status such
     * as DEGRADED needs management.endpoint.health.status.order to place it.
     */
    private String listenerDownStatus = "UP";

    public String getListenerDownStatus() {
      return listenerDownStatus;
    }

    public void setListenerDownStatus(String listenerDownStatus) {
      this.listenerDownStatus = listenerDownStatus;
    }
  }

  /** The near cache of every cache, unless a cache says otherwise. */
  public static class NearCache {
    /**
     * Whether caches keep an in-process copy of hot entries, invalidated cluster-wide. Unset: the provider's
     * default.
     */
    private Boolean enabled;

    /** Most entries one cache's near cache holds on this node. Unset: the provider's default. */
    private Integer maxEntries;

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    public Integer getMaxEntries() {
      return maxEntries;
    }

    public void setMaxEntries(Integer maxEntries) {
      this.maxEntries = maxEntries;
    }
  }

  /** Settings of one cache. */
  public static class PerCache {
    /** Time to live of an entry after each create or update; overrides the cache's expiry policy. */
    private Duration expiryAfterWrite;

    /**
     * Whether entries live in an UNLOGGED table (fast, emptied after a server crash, not replicated); the
     * provider's default is true. Applies when the cache's table is created.
     */
    private Boolean unlogged;

    /** The codec of this cache (java, json or kryo); defaults to {@code pgjcache.codec}. */
    private String codec;

    /** Whether this cache keeps a near cache; defaults to {@code pgjcache.near-cache.enabled}. */
    private Boolean nearCache;

    /** Most entries of this cache's near cache; defaults to {@code pgjcache.near-cache.max-entries}. */
    private Integer nearCacheMaxEntries;

    /** Whether listeners on every node hear this cache's changes made anywhere (set it on every node). */
    private Boolean clusterEvents;

    public Boolean getNearCache() {
      return nearCache;
    }

    public void setNearCache(Boolean nearCache) {
      this.nearCache = nearCache;
    }

    public Integer getNearCacheMaxEntries() {
      return nearCacheMaxEntries;
    }

    public void setNearCacheMaxEntries(Integer nearCacheMaxEntries) {
      this.nearCacheMaxEntries = nearCacheMaxEntries;
    }

    public Boolean getClusterEvents() {
      return clusterEvents;
    }

    public void setClusterEvents(Boolean clusterEvents) {
      this.clusterEvents = clusterEvents;
    }

    public Duration getExpiryAfterWrite() {
      return expiryAfterWrite;
    }

    public void setExpiryAfterWrite(Duration expiryAfterWrite) {
      this.expiryAfterWrite = expiryAfterWrite;
    }

    public Boolean getUnlogged() {
      return unlogged;
    }

    public void setUnlogged(Boolean unlogged) {
      this.unlogged = unlogged;
    }

    public String getCodec() {
      return codec;
    }

    public void setCodec(String codec) {
      this.codec = codec;
    }
  }
}
