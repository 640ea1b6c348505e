package io.pgjcache.benchmarks.nearcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunsTest {
  private static final String NAME = "nearcache.test.integers";

  @AfterEach
  void clear() {
    System.clearProperty(NAME);
  }

  @Test
  void integers_takeTheDefaults_whenAbsentOrBlank_asMavenForwardsUnsetProperties() {
    assertThat(Runs.integers(NAME, "0,1,4")).containsExactly(0, 1, 4);
    System.setProperty(NAME, " ");
    assertThat(Runs.integers(NAME, "0,1,4")).containsExactly(0, 1, 4);
  }

  @Test
  void integers_parseAGivenList() {
    System.setProperty(NAME, "2, 8,16");
    assertThat(Runs.integers(NAME, "1")).containsExactly(2, 8, 16);
  }

  @Test
  void integers_rejectNegativeOrMalformedValues_namingTheProperty() {
    System.setProperty(NAME, "1,-2");
    assertThatThrownBy(() -> Runs.integers(NAME, "1")).hasMessageContaining(NAME).hasMessageContaining("1,-2");
    System.setProperty(NAME, "1,x");
    assertThatThrownBy(() -> Runs.integers(NAME, "1")).hasMessageContaining(NAME).hasMessageContaining("1,x");
  }
}
