package io.pgjcache.examples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the demo for real and checks what it printed. */
class HibernateCacheDemoIT {
  @Test
  void nodeB_readsNodeAsRename_andBothNodesHitTheSharedCache() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    new HibernateCacheDemo(new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(output)
        .contains("Node B reads it: \"Sketch of the Analytical Engine\"")
        .containsPattern("Node A renamed it; node B reads: \"Notes by the Translator\" \\(heard within \\d+ ms\\)")
        .contains("Node B by ISBN: \"Notes by the Translator\"")
        .containsPattern("Node A second-level cache: [1-9]\\d* hits")
        .containsPattern("Node B second-level cache: [1-9]\\d* hits");
  }
}
