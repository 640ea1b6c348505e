package io.pgjcache.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentifiersTest {
  /** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1). */
  private static final int MAX_IDENTIFIER_LENGTH = 63;

  private static final List<String> AWKWARD_NAMES = List.of(
      "plain", "Foo", "foo", "FOO", "a b", "a_b", "a-b", "a.b", "with \"double\" quotes", "it's",
      "a;b", "\"; DROP TABLE canary; --", "'); DROP TABLE canary; --", "  spaces  ", "café crème",
      "cafe creme", "缓存テスト", "🚀🔥", "!!!", "tab\there", "line\nbreak", "back\\slash", "$1 %s ?",
      "x".repeat(1_000), "x".repeat(10_000), "y" + "x".repeat(9_999));

  @Test
  void tableName_usesOnlyLowercaseAsciiLettersDigitsAndUnderscores() {
    for (String name : AWKWARD_NAMES) {
      assertThat(Identifiers.tableName(name)).as(name).matches("c_[a-z0-9_]*[0-9a-f]{12}");
    }
  }

  @Test
  void tableName_fitsInAPostgresIdentifier() {
    for (String name : AWKWARD_NAMES) {
      assertThat(Identifiers.tableName(name).length()).as(name).isLessThanOrEqualTo(MAX_IDENTIFIER_LENGTH);
    }
  }

  @Test
  void tableName_isDistinct_forNamesThatSlugTheSame() {
    Set<String> tables = new HashSet<>();
    for (String name : AWKWARD_NAMES) {
      tables.add(Identifiers.tableName(name));
    }
    assertThat(tables).hasSameSizeAs(AWKWARD_NAMES);
    assertThat(Identifiers.tableName("Foo")).startsWith("c_foo_").isNotEqualTo(Identifiers.tableName("foo"));
    assertThat(Identifiers.tableName("a b")).startsWith("c_a_b_").isNotEqualTo(Identifiers.tableName("a_b"));
  }

  @Test
  void tableName_isStable() {
    assertThat(Identifiers.tableName("orders")).isEqualTo(Identifiers.tableName("orders"));
  }

  @Test
  void tableName_keepsAReadableSlug_andDropsAccents() {
    assertThat(Identifiers.tableName("Café Crème")).startsWith("c_cafe_creme_");
    assertThat(Identifiers.tableName("🚀")).matches("c_[0-9a-f]{12}");
  }

  @Test
  void tableName_hashCoversTheWholeName_notJustTheSlug() {
    String prefix = "p".repeat(100);
    assertThat(Identifiers.tableName(prefix + "a")).isNotEqualTo(Identifiers.tableName(prefix + "b"));
  }

  @Test
  void quote_doublesEmbeddedQuotes() {
    assertThat(Identifiers.quote("plain")).isEqualTo("\"plain\"");
    assertThat(Identifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
    assertThat(Identifiers.quote("\"; DROP TABLE x; --")).isEqualTo("\"\"\"; DROP TABLE x; --\"");
    assertThat(Identifiers.qualified("s\"", "t")).isEqualTo("\"s\"\"\".\"t\"");
  }

  @Test
  void quote_rejectsNul() {
    assertThatThrownBy(() -> Identifiers.quote("a\0b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
  }

  @Test
  void requireValidCacheName_rejectsEmptyAndNul_andAcceptsEverythingElse() {
    assertThatThrownBy(() -> Identifiers.requireValidCacheName(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> Identifiers.requireValidCacheName("a\0b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    for (String name : AWKWARD_NAMES) {
      assertThat(Identifiers.requireValidCacheName(name)).isSameAs(name);
    }
  }
}
