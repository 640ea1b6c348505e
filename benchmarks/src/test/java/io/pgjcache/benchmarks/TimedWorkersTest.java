package io.pgjcache.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimedWorkersTest {
  @Test
  void aFailingWorker_failsTheRun_withItsFailure() {
    RuntimeException broken = new RuntimeException("broken");
    assertThatThrownBy(() -> TimedWorkers.run(List.of("a", "b"), 2, TimeUnit.SECONDS.toNanos(60), (target, random) -> {
      if (target.equals("b")) {
        throw broken;
      }
    })).isInstanceOf(IllegalStateException.class).hasCause(broken);
  }

  @Test
  void theElapsedTime_coversTheWholeWindow_evenForAWorkerThatStartedLate() throws InterruptedException {
    long window = TimeUnit.MILLISECONDS.toNanos(50);
    // Every worker stops only once it saw the window end, so the measured time is never shorter than the window.
    double seconds = TimedWorkers.run(List.of("a", "b"), 2, window, (target, random) -> { });
    assertThat(seconds).isGreaterThanOrEqualTo(window / 1e9);
  }
}
