package io.pgjcache.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.PgCachingProvider;
import io.pgjcache.configuration.Setting;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

class SettingsResolverTest {
  private static final URI NAME_ONLY = URI.create("test:settings");
  private static final ClassLoader LOADER = SettingsResolverTest.class.getClassLoader();
  private static final String CLASSPATH_FILE = "io/pgjcache/internal/config/pgjcache-test.properties";

  @TempDir
  Path dir;

  // ---- sources and precedence ------------------------------------------------------------------

  @Test
  void resolve_usesDefaults_whenNothingIsGiven() {
    ManagerSettings settings = resolve(Map.of(), NAME_ONLY, new Properties());

    assertThat(settings.jdbcUrl()).isNull();
    assertThat(settings.schema()).isEqualTo("jcache");
    assertThat(settings.poolSize()).isEqualTo(8);
    assertThat(settings.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.statementTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.cacheSettings()).isEmpty();
  }

  @Test
  void resolve_readsEnvironmentVariables_namedAfterTheSettings() {
    Map<String, String> env = Map.of(
        "PGJCACHE_JDBC_URL", "jdbc:postgresql://db.example:5432/app",
        "PGJCACHE_JDBC_USER", "app",
        "PGJCACHE_CONNECTION_TIMEOUT", "PT3S",
        "PGJCACHE_SWEEP_BATCH_SIZE", "50",
        "PGJCACHE_UNKNOWN_THING", "ignored: the environment is shared with everything else",
        "PATH", "/usr/bin");

    ManagerSettings settings = resolve(env, NAME_ONLY, new Properties());

    assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/app");
    assertThat(settings.user()).isEqualTo("app");
    assertThat(settings.connectionTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.sweepBatchSize()).isEqualTo(50);
  }

  @Test
  void resolve_prefersProperties_thenFile_thenEnvironment() throws IOException {
    Path file = write("precedence.properties",
        "pgjcache.pool.size=4",
        "pgjcache.schema=from_file");
    Map<String, String> env = Map.of(
        "PGJCACHE_POOL_SIZE", "3",
        "PGJCACHE_SCHEMA", "from_env",
        "PGJCACHE_SWEEP_BATCH_SIZE", "7");
    Properties explicit = properties("pgjcache.pool.size", "5");

    ManagerSettings settings = resolve(env, file.toUri(), explicit);

    assertThat(settings.poolSize()).as("Properties over file and environment").isEqualTo(5);
    assertThat(settings.schema()).as("file over environment").isEqualTo("from_file");
    assertThat(settings.sweepBatchSize()).as("environment when nothing else says").isEqualTo(7);
  }

  @Test
  void resolve_readsFileFromClassPath_withOrWithoutLeadingSlash() {
    for (String uri : new String[] {"classpath:" + CLASSPATH_FILE, "classpath:/" + CLASSPATH_FILE}) {
      ManagerSettings settings = resolve(Map.of(), URI.create(uri), new Properties());

      assertThat(settings.schema()).as(uri).isEqualTo("from_classpath");
      assertThat(settings.poolSize()).as(uri).isEqualTo(4);
      assertThat(settings.forCache("com.example.Entity", Setting.CACHE_UNLOGGED)).as(uri).contains("false");
    }
  }

  @Test
  void resolve_readsFileUri() throws IOException {
    Path file = write("file-uri.properties", "pgjcache.schema=from_file_uri");

    assertThat(resolve(Map.of(), file.toUri(), new Properties()).schema()).isEqualTo("from_file_uri");
  }

  @Test
  void resolve_readsJarUri_likeHibernateHandsOver() throws IOException {
    Path jar = dir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("config/pgjcache.properties"));
      out.write("pgjcache.schema=from_jar\npgjcache.cache.org.example.Order.expiry-after-write=PT1M\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      out.closeEntry();
    }
    URI uri = URI.create("jar:" + jar.toUri() + "!/config/pgjcache.properties");

    ManagerSettings settings = resolve(Map.of(), uri, new Properties());

    assertThat(settings.schema()).isEqualTo("from_jar");
    assertThat(CacheSettings.expiryAfterWrite(settings.forCache("org.example.Order"))).contains(Duration.ofMinutes(1));
  }

  @Test
  void resolve_failsNamingTheUri_whenTheFileIsMissing() {
    URI missingFile = dir.resolve("absent.properties").toUri();
    URI missingResource = URI.create("classpath:io/pgjcache/absent.properties");

    for (URI uri : new URI[] {missingFile, missingResource}) {
      assertThatThrownBy(() -> resolve(Map.of(), uri, new Properties()))
          .as(uri.toString())
          .isInstanceOf(CacheException.class)
          .hasMessageContaining(uri.toString());
    }
  }

  @Test
  void resolve_treatsOtherUrisAsNames_withoutReadingAnything() {
    // None of these can be read: if the resolver tried, it would fail.
    URI[] names = {
        PgCachingProvider.DEFAULT_URI,
        URI.create("test:node-1"),
        URI.create("https://config.invalid/pgjcache.properties"),
        dir.resolve("absent.txt").toUri(),
        URI.create("urn:pgjcache.properties"),
    };
    for (URI uri : names) {
      assertThat(SettingsResolver.isConfigFile(uri)).as(uri.toString()).isFalse();
      assertThat(resolve(Map.of(), uri, new Properties()).schema()).as(uri.toString()).isEqualTo("jcache");
    }
  }

  // ---- keys ------------------------------------------------------------------------------------

  @Test
  void resolve_failsNamingTheKey_forUnknownSettingInProperties() {
    assertThatThrownBy(() -> resolve(Map.of(), NAME_ONLY, properties("pgjcache.pool.sise", "4")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgjcache.pool.sise")
        .hasMessageContaining(Setting.POOL_SIZE.key());
  }

  @Test
  void resolve_failsNamingTheKeyAndFile_forUnknownSettingInFile() throws IOException {
    Path file = write("typo.properties", "pgjcache.jdbc.uri=jdbc:postgresql://localhost/app");

    assertThatThrownBy(() -> resolve(Map.of(), file.toUri(), new Properties()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgjcache.jdbc.uri")
        .hasMessageContaining(file.toUri().toString());
  }

  @Test
  void resolve_failsNamingTheKey_forUnknownPerCacheSetting() {
    assertThatThrownBy(() -> resolve(Map.of(), NAME_ONLY, properties("pgjcache.cache.users.colour", "red")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgjcache.cache.users.colour");
  }

  @Test
  void resolve_rejectsForeignKeysInTheFile_becauseTheFileIsPgjcachesOwn() throws IOException {
    // A dedicated file: a key outside the namespace is most likely a misspelt prefix.
    Path file = write("foreign.properties", "pgjcahe.schema=typo");

    assertThatThrownBy(() -> resolve(Map.of(), file.toUri(), new Properties()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgjcahe.schema");
  }

  @Test
  void resolve_ignoresForeignKeysInProperties_whichFrameworksShare() {
    Properties explicit = properties("hibernate.cache.use_second_level_cache", "true");
    explicit.setProperty("javax.cache.provider", PgCachingProvider.class.getName());
    explicit.put(42, "a key that is not even a string");
    explicit.setProperty("pgjcache.schema", "given");

    assertThat(resolve(Map.of(), NAME_ONLY, explicit).schema()).isEqualTo("given");
  }

  @Test
  void resolve_acceptsNonStringValues_forTextSettings() {
    Properties explicit = new Properties();
    explicit.put("pgjcache.pool.size", 3);

    assertThat(resolve(Map.of(), NAME_ONLY, explicit).poolSize()).isEqualTo(3);
  }

  @Test
  void resolve_takesDataSourceObject_andRejectsAnythingElseUnderThatKey() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();

    assertThat(resolve(Map.of(), NAME_ONLY, PgCachingProvider.dataSourceProperties(dataSource)).dataSource())
        .isSameAs(dataSource);
    assertThatThrownBy(() -> resolve(Map.of(), NAME_ONLY, properties("pgjcache.datasource", "jdbc/app")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgjcache.datasource")
        .hasMessageContaining("java.lang.String");
  }

  @Test
  void resolve_rejectsCredentialsBeforeTheHost_withoutShowingThePassword() {
    // pgjdbc does not read them: it would look up "app:secret@localhost" as a host name.
    Properties explicit = properties("pgjcache.jdbc.url", "jdbc:postgresql://app:hunter2@localhost:5432/app");

    assertThatThrownBy(() -> resolve(Map.of(), NAME_ONLY, explicit))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgjcache.jdbc.url")
        .hasMessageContaining("jdbc:postgresql://app:****@localhost:5432/app")
        .hasMessageNotContaining("hunter2");
  }

  // ---- per-cache settings ----------------------------------------------------------------------

  @Test
  void resolve_parsesPerCacheSettings_forCacheNamesWithDots() {
    Properties explicit = properties("pgjcache.cache.com.example.Entity.unlogged", "false");
    explicit.setProperty("pgjcache.cache.com.example.Entity.expiry-after-write", "PT30S");
    explicit.setProperty("pgjcache.cache.com.example.Entity.Items.expiry-after-write", "1500");
    explicit.setProperty("pgjcache.cache.plain.unlogged", "TRUE");

    ManagerSettings settings = resolve(Map.of(), NAME_ONLY, explicit);

    Map<Setting, String> entity = settings.forCache("com.example.Entity");
    assertThat(CacheSettings.unlogged(entity)).contains(false);
    assertThat(CacheSettings.expiryAfterWrite(entity)).contains(Duration.ofSeconds(30));
    Map<Setting, String> collection = settings.forCache("com.example.Entity.Items");
    assertThat(CacheSettings.unlogged(collection)).isEmpty();
    assertThat(CacheSettings.expiryAfterWrite(collection)).contains(Duration.ofMillis(1500));
    assertThat(CacheSettings.unlogged(settings.forCache("plain"))).contains(true);
    assertThat(settings.forCache("com.example")).isEmpty();
  }

  @Test
  void resolve_failsNamingKeyAndValue_forBadPerCacheValues() {
    assertThatThrownBy(() -> resolve(Map.of(), NAME_ONLY, properties("pgjcache.cache.a.b.unlogged", "maybe")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgjcache.cache.a.b.unlogged")
        .hasMessageContaining("maybe");
    assertThatThrownBy(() -> resolve(Map.of(), NAME_ONLY,
        properties("pgjcache.cache.a.b.expiry-after-write", "-PT5S")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgjcache.cache.a.b.expiry-after-write")
        .hasMessageContaining("PT-5S");
    assertThatThrownBy(() -> resolve(Map.of(), NAME_ONLY,
        properties("pgjcache.cache.a.b.expiry-after-write", "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgjcache.cache.a.b.expiry-after-write")
        .hasMessageContaining("soon");
  }

  // ---- values ----------------------------------------------------------------------------------

  @Test
  void resolve_failsNamingKeyAndValue_forBadManagerValues() {
    assertBadValue("pgjcache.pool.size", "abc", "abc");
    assertBadValue("pgjcache.pool.size", "0", "0");
    assertBadValue("pgjcache.sweep.batch-size", "-1", "-1");
    assertBadValue("pgjcache.connection-timeout", "-PT1S", "PT-1S");
    assertBadValue("pgjcache.connection-timeout", "-100", "-100");
    assertBadValue("pgjcache.statement-timeout", "-PT1S", "PT-1S");
    assertBadValue("pgjcache.statement-timeout", "ten seconds", "ten seconds");
    assertBadValue("pgjcache.sweep.interval", "-PT1S", "PT-1S");
  }

  @Test
  void resolve_failsNamingKeyAndValue_forBadValuesFromEnvironment() {
    assertThatThrownBy(() -> resolve(Map.of("PGJCACHE_POOL_SIZE", "many"), NAME_ONLY, new Properties()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pgjcache.pool.size")
        .hasMessageContaining("many");
  }

  @Test
  void resolve_parsesDurations_asIso8601OrMilliseconds() {
    Properties explicit = properties("pgjcache.connection-timeout", "PT2.5S");
    explicit.setProperty("pgjcache.statement-timeout", "2500");
    explicit.setProperty("pgjcache.sweep.interval", "PT0S");

    ManagerSettings settings = resolve(Map.of(), NAME_ONLY, explicit);

    assertThat(settings.connectionTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(settings.statementTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(settings.sweepInterval()).as("zero turns the sweeper off").isZero();
  }

  @Test
  void resolve_acceptsZeroStatementTimeout_asNone() {
    ManagerSettings settings = resolve(Map.of(), NAME_ONLY, properties("pgjcache.statement-timeout", "PT0S"));

    assertThat(settings.statementTimeout()).isZero();
  }

  @Test
  void resolve_trimsValues_andTreatsEmptyAsDefault() {
    Properties explicit = properties("pgjcache.pool.size", " 6 ");
    explicit.setProperty("pgjcache.schema", "");

    ManagerSettings settings = resolve(Map.of(), NAME_ONLY, explicit);

    assertThat(settings.poolSize()).isEqualTo(6);
    assertThat(settings.schema()).isEqualTo("jcache");
  }

  // ---- support ---------------------------------------------------------------------------------

  private static ManagerSettings resolve(Map<String, String> environment, URI uri, Properties explicit) {
    return new SettingsResolver(environment).resolve(uri, LOADER, explicit);
  }

  private static void assertBadValue(String key, String value, String shownAs) {
    assertThatThrownBy(() -> resolve(Map.of(), NAME_ONLY, properties(key, value)))
        .as(key + "=" + value)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(shownAs);
  }

  private static Properties properties(String key, String value) {
    Properties properties = new Properties();
    properties.setProperty(key, value);
    return properties;
  }

  private Path write(String name, String... lines) throws IOException {
    return Files.write(dir.resolve(name), List.of(lines), StandardCharsets.ISO_8859_1);
  }
}
