package io.pgjcache.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchmarkSettingsTest {

  @Test
  void defaults_measureEveryWorkload_at1_4_16Threads_withPoolOfTheLargestCount() {
    BenchmarkSettings settings = BenchmarkSettings.from(name -> null);

    assertThat(settings.threads()).containsExactly(1, 4, 16);
    assertThat(settings.workloads()).containsExactly(Workload.GET, Workload.PUT, Workload.MIXED, Workload.GET_ALL,
        Workload.PUT_ALL);
    assertThat(settings.batch()).isEqualTo(100);
    assertThat(settings.poolSize()).isEqualTo(16);
    assertThat(settings.keys()).isEqualTo(10_000);
    assertThat(settings.zipfExponent()).isEqualTo(0.99);
    assertThat(settings.valueLength()).isEqualTo(100);
    assertThat(settings.warmup()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.window()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.rounds()).isEqualTo(3);
    assertThat(settings.quick()).isFalse();
  }

  @Test
  void quickMode_shortensTheRun_butExplicitValuesStillWin() {
    BenchmarkSettings settings = BenchmarkSettings.from(Map.of("bench.quick", "true", "bench.rounds", "2")::get);

    assertThat(settings.quick()).isTrue();
    assertThat(settings.warmup()).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.window()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.rounds()).isEqualTo(2);
    assertThat(BenchmarkSettings.from(Map.of("bench.quick", "true")::get).rounds()).isEqualTo(1);
  }

  @Test
  void emptyValues_meanDefault_soThatMavenCanForwardUnsetProperties() {
    BenchmarkSettings settings = BenchmarkSettings.from(name -> "");

    assertThat(settings).isEqualTo(BenchmarkSettings.from(name -> null));
  }

  @Test
  void explicitValues_areParsed() {
    BenchmarkSettings settings = BenchmarkSettings.from(Map.of(
        "bench.threads", "2, 8",
        "bench.workloads", "put,GET",
        "bench.duration", "1.5",
        "bench.pool-size", "4",
        "bench.keys", "500")::get);

    assertThat(settings.threads()).isEqualTo(List.of(2, 8));
    assertThat(settings.workloads()).containsExactly(Workload.PUT, Workload.GET);
    assertThat(settings.window()).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.poolSize()).isEqualTo(4);
    assertThat(settings.keys()).isEqualTo(500);
  }

  @Test
  void invalidValues_failWithThePropertyNamed() {
    assertThatThrownBy(() -> BenchmarkSettings.from(Map.of("bench.threads", "1,x")::get))
        .hasMessageContaining("bench.threads");
    assertThatThrownBy(() -> BenchmarkSettings.from(Map.of("bench.threads", "0")::get))
        .hasMessageContaining("bench.threads");
    assertThatThrownBy(() -> BenchmarkSettings.from(Map.of("bench.workloads", "scan")::get))
        .hasMessageContaining("scan");
    assertThatThrownBy(() -> BenchmarkSettings.from(Map.of("bench.duration", "0")::get))
        .hasMessageContaining("bench.duration");
    assertThatThrownBy(() -> BenchmarkSettings.from(Map.of("bench.schema", "x; drop table y")::get))
        .hasMessageContaining("bench.schema");
    assertThatThrownBy(() -> BenchmarkSettings.from(Map.of("bench.batch", "1001")::get))
        .hasMessageContaining("bench.batch").hasMessageContaining("10000");
  }
}
