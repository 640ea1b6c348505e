package io.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.configuration.Setting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the {@link Setting} enum, row for row. */
class ReadmeSettingsTest {
  private static final String BEGIN = "<!-- settings:begin -->";
  private static final String END = "<!-- settings:end -->";

  /** The table rows the README must contain, in enum order. */
  static List<String> expectedRows() {
    List<String> rows = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      String name = setting.scope() == Setting.Scope.CACHE
          ? Setting.CACHE_PREFIX + "<name>." + setting.key() : setting.key();
      String env = setting.fromEnvironment()
          ? " (`" + setting.environmentVariable() + "`)" : "";
      String value = setting.defaultValue().map(v -> "`" + v + "`").orElse("—");
      rows.add("| `" + name + "`" + env + " | " + value + " | " + setting.description() + " |");
    }
    return rows;
  }

  @Test
  void readmeConfigurationTable_listsEverySettingWithItsDefaultAndMeaning() throws IOException {
    Path readme = Path.of(System.getProperty("user.dir")).resolveSibling("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertThat(begin).as("README.md has a " + BEGIN + " marker").isNotNegative();
    assertThat(end).as("README.md has a " + END + " marker").isGreaterThan(begin);
    List<String> rows = text.substring(begin + BEGIN.length(), end).lines()
        .filter(line -> line.startsWith("| `"))
        .toList();
    assertThat(rows).as("README configuration table; expected rows:%n%s", String.join("\n", expectedRows()))
        .containsExactlyElementsOf(expectedRows());
  }
}
