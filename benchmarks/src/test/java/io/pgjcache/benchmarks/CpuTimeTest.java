package io.pgjcache.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuTimeTest {

  @Test
  void parse_takesTheCommandUpToTheLastParenthesis_andTheFieldsAfterIt() {
    // Fields 14 to 17 of proc(5): utime 7, stime 3, cutime 100, cstime 20.
    CpuTime.ProcessStat stat = CpuTime.ProcessStat.parse(
        "4242 (postgres: a (b) c) S 4000 4242 4242 0 -1 4194560 100 0 0 0 7 3 100 20 20 0 1 0 1 1 1\n");

    assertThat(stat).isEqualTo(new CpuTime.ProcessStat(4242, "postgres: a (b) c", 4000, 10, 120));
    assertThat(stat.isPostgres()).isTrue();
    assertThat(CpuTime.ProcessStat.parse("7 (java) S 1 7 7 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1").isPostgres())
        .isFalse();
  }

  @Test
  void theServersTicks_areThePostmastersWithItsExitedChildren_andItsLiveChildrens() {
    List<CpuTime.ProcessStat> stats = List.of(
        new CpuTime.ProcessStat(100, "postgres", 1, 5, 40),
        new CpuTime.ProcessStat(101, "postgres", 100, 7, 0),
        new CpuTime.ProcessStat(102, "postgres", 100, 11, 1_000),
        new CpuTime.ProcessStat(200, "postgres", 1, 13, 17),
        new CpuTime.ProcessStat(201, "java", 200, 19, 0));

    assertThat(CpuTime.ticksOfServer(100, stats)).isEqualTo(5 + 40 + 7 + 11);
  }
}
