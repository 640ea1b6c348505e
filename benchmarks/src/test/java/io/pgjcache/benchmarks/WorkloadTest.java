package io.pgjcache.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  @Test
  void mixed_isNinetyPercentGets() {
    SplittableRandom random = new SplittableRandom(1);
    int gets = 0;
    for (int i = 0; i < 100_000; i++) {
      if (Workload.MIXED.nextIsGet(random)) {
        gets++;
      }
    }
    assertThat(gets / 100_000.0).isCloseTo(0.90, within(0.005));
    assertThat(Workload.MIXED.label(100)).isEqualTo("90/10 get/put");
  }

  @Test
  void pureWorkloads_neverMix() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 1_000; i++) {
      assertThat(Workload.GET.nextIsGet(random)).isTrue();
      assertThat(Workload.PUT.nextIsGet(random)).isFalse();
    }
  }

  @Test
  void batchedWorkloads_nameTheirBatchSize() {
    assertThat(Workload.GET_ALL.label(100)).isEqualTo("getAll(100)");
    assertThat(Workload.PUT_ALL.label(25)).isEqualTo("putAll(25)");
    assertThat(Workload.PUT_ALL.batched()).isTrue();
    assertThat(Workload.PUT.batched()).isFalse();
  }
}
