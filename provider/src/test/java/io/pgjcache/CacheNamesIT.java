package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgjcache.internal.store.Identifiers;
import io.pgjcache.testing.Cluster;
import io.pgjcache.testing.Tables;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cache name is user input: any text except NUL must work, map to its own table and never reach SQL text. */
class CacheNamesIT {
  private static final MutableConfiguration<String, String> STRINGS =
      new MutableConfiguration<String, String>().setTypes(String.class, String.class);

  private static Cluster cluster;

  @BeforeAll
  static void start() {
    cluster = Cluster.of(2);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** Names that quote, terminate or comment SQL, that need Unicode, or that slug to the same table-name prefix. */
  private static List<String> awkwardNames(String schema) {
    String canary = Identifiers.qualified(schema, "canary");
    return List.of(
        "with \"double\" quotes", "\"", "\"\"", "it's", "'", "a;b", ";",
        "\"; DROP TABLE " + canary + "; --",
        "'; DROP TABLE " + canary + "; --",
        "x'); DROP TABLE " + canary + "; --",
        "with spaces", "  leading and trailing  ", "cache 🚀🔥", "缓存テスト", "café crème", "Ünïcödé",
        "Foo", "foo", "FOO", "a b", "a_b", "a-b", "a.b",
        "caches", "entry_version", "back\\slash", "$1 %s ? :name", "line\nbreak\ttab",
        incompressible(1_000), incompressible(10_000), "x".repeat(10_000));
  }

  /**
   * Random letters from a wide alphabet: PostgreSQL cannot compress them, so a name this long cannot
   * sit in a B-tree index entry as it is.
   */
  private static String incompressible(int length) {
    Random random = new Random(length);
    StringBuilder name = new StringBuilder(length);
    while (name.length() < length) {
      name.appendCodePoint(random.nextInt(3) == 0 ? 0x4e00 + random.nextInt(0x5000) : 'a' + random.nextInt(26));
    }
    return name.substring(0, length);
  }

  @Test
  void anyName_works_fromBothNodes_inATableOfItsOwn_withoutInjection() {
    cluster.execute("CREATE TABLE " + Identifiers.qualified(cluster.schema(), "canary") + " (id int)");
    CacheManager a = cluster.node(0);
    CacheManager b = cluster.node(1);
    List<String> names = awkwardNames(cluster.schema());
    List<String> tables = new ArrayList<>();
    for (String name : names) {
      Cache<String, String> onA = a.createCache(name, STRINGS);
      onA.put("key", "value of " + name);
      tables.add(Tables.tableName(onA));
    }

    Set<String> namesSeenByB = new HashSet<>();
    b.getCacheNames().forEach(namesSeenByB::add);
    assertThat(namesSeenByB).containsAll(names);
    for (String name : names) {
      Cache<String, String> onB = b.getCache(name, String.class, String.class);
      assertThat(onB).as(name).isNotNull();
      assertThat(onB.getName()).isEqualTo(name);
      assertThat(onB.get("key")).as(name).isEqualTo("value of " + name);
      assertThat(Tables.rowCount(onB)).as(name).isEqualTo(1);
    }
    assertThat(new HashSet<>(tables)).as("one table per cache").hasSameSizeAs(names);
    assertThat(Tables.tableExists(cluster.dataSource(), Identifiers.qualified(cluster.schema(), "canary"))).isTrue();
  }

  @Test
  void namesThatSlugTheSame_keepTheirEntriesApart() {
    CacheManager a = cluster.node(0);
    List<String> lookAlikes = List.of("Same", "same", "SAME", "sa me", "sa_me", "sa-me");
    for (String name : lookAlikes) {
      a.createCache(name, STRINGS).put("key", name);
    }
    for (String name : lookAlikes) {
      Cache<String, String> onB = cluster.node(1).getCache(name, String.class, String.class);
      assertThat(onB.get("key")).isEqualTo(name);
    }
    a.destroyCache("same");
    assertThat(cluster.node(1).getCache("Same", String.class, String.class).get("key")).isEqualTo("Same");
    assertThat(cluster.node(1).getCache("sa_me", String.class, String.class).get("key")).isEqualTo("sa_me");
  }

  @Test
  void createCache_rejectsAnEmptyName() {
    assertThatThrownBy(() -> cluster.node(0).createCache("", STRINGS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }

  @Test
  void createCache_rejectsANameWithNul() {
    assertThatThrownBy(() -> cluster.node(0).createCache("a\0b", STRINGS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
  }

  @Test
  void getCache_andDestroyCache_rejectANameWithNul() {
    assertThatThrownBy(() -> cluster.node(1).getCache("a\0b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    assertThatThrownBy(() -> cluster.node(1).getCache("a\0b", String.class, String.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    assertThatThrownBy(() -> cluster.node(1).destroyCache("a\0b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
  }
}
