package io.pgjcache.internal.config;

import io.pgjcache.configuration.Setting;
import io.pgjcache.internal.codec.Signer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The validated, immutable settings of one cache manager, parsed once from all sources.
 *
 * @param jdbcUrl          JDBC URL, or null for the embedded server or a given DataSource
 * @param user             database user, or null
 * @param password         database password, or null; never printed
 * @param dataSource       a DataSource handed in by the application, or null
 * @param schema           schema of all tables
 * @param verbatimShortKeys whether the caches this node registers keep short keys as their own row keys
 * @param poolSize         maximum pool size of our own pool
 * @param connectionTimeout bound on connection checkout and connect
 * @param statementTimeout bound on one statement, server side; zero for none of ours
 * @param sweepInterval    period of the expiry sweeper, zero for none
 * @param sweepBatchSize   rows per sweep transaction
 * @param serialFilter     ObjectInputFilter pattern for Java deserialization
 * @param maxKeySize       most bytes of an encoded key
 * @param maxValueSize     most bytes of an encoded value
 * @param signer           signs and verifies stored bytes with {@code pgjcache.signing-key} (and checks with the
 *                         previous key); {@link Signer#NONE} without one. Holds the keys, never prints them
 * @param codec            the codec of caches that do not choose their own ({@code pgjcache.codec})
 * @param jsonMapper       the application's Jackson 2 or 3 {@code ObjectMapper} for the json codec, or null
 * @param listenUrl        direct JDBC URL for the LISTEN connection, or null to derive it
 * @param nearCacheEnabled whether caches keep near caches unless configured otherwise
 * @param nearCacheMaxEntries default bound of a near cache
 * @param cacheSettings    per-cache settings, by cache name
 */
public record ManagerSettings(
    String jdbcUrl,
    String user,
    String password,
    DataSource dataSource,
    String schema,
    boolean verbatimShortKeys,
    int poolSize,
    Duration connectionTimeout,
    Duration statementTimeout,
    Duration sweepInterval,
    int sweepBatchSize,
    String serialFilter,
    int maxKeySize,
    int maxValueSize,
    Signer signer,
    String codec,
    Object jsonMapper,
    String listenUrl,
    boolean nearCacheEnabled,
    int nearCacheMaxEntries,
    Map<String, Map<Setting, String>> cacheSettings) {

  public ManagerSettings {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(connectionTimeout, "connectionTimeout");
    Objects.requireNonNull(statementTimeout, "statementTimeout");
    Objects.requireNonNull(sweepInterval, "sweepInterval");
    Objects.requireNonNull(serialFilter, "serialFilter");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(codec, "codec");
    cacheSettings = Map.copyOf(cacheSettings);
  }

  /** The per-cache settings given for one cache name, possibly none. */
  public Map<Setting, String> forCache(String cacheName) {
    return cacheSettings.getOrDefault(cacheName, Map.of());
  }

  /** One per-cache setting, if given. */
  public Optional<String> forCache(String cacheName, Setting setting) {
    return Optional.ofNullable(forCache(cacheName).get(setting));
  }

  /** Printable form: the password and any password inside the URL are masked. */
  @Override
  public String toString() {
    return "ManagerSettings[jdbcUrl=" + Secrets.maskUrl(jdbcUrl)
        + ", user=" + user
        + ", password=" + (password == null ? null : Secrets.MASK)
        + ", dataSource=" + (dataSource == null ? null : dataSource.getClass().getName())
        + ", schema=" + schema
        + ", verbatimShortKeys=" + verbatimShortKeys
        + ", poolSize=" + poolSize
        + ", connectionTimeout=" + connectionTimeout
        + ", statementTimeout=" + statementTimeout
        + ", sweepInterval=" + sweepInterval
        + ", sweepBatchSize=" + sweepBatchSize
        + ", serialFilter=" + serialFilter
        + ", maxKeySize=" + maxKeySize
        + ", maxValueSize=" + maxValueSize
        + ", signer=" + signer
        + ", codec=" + codec
        + ", jsonMapper=" + (jsonMapper == null ? null : jsonMapper.getClass().getName())
        + ", listenUrl=" + Secrets.maskUrl(listenUrl)
        + ", nearCacheEnabled=" + nearCacheEnabled
        + ", nearCacheMaxEntries=" + nearCacheMaxEntries
        + ", cacheSettings=" + cacheSettings + "]";
  }
}
