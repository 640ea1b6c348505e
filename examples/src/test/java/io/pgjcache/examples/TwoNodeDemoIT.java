package io.pgjcache.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the demo for real, against PostgreSQL, and checks what it observed and printed. */
class TwoNodeDemoIT {
  private static DemoResult result;
  private static String output;
  private static long startedAtMillis;
  private static long endedAtMillis;

  @BeforeAll
  static void runDemo() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    startedAtMillis = System.currentTimeMillis();
    result = new TwoNodeDemo(new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
    endedAtMillis = System.currentTimeMillis();
    output = printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void nodeB_readsWhatNodeAWrote_andNodeA_seesNodeBsUpdate() {
    assertThat(result.readOnB()).isEqualTo(new UserProfile("Ada", "free"));
    assertThat(result.readOnAAfterUpdate()).isEqualTo(new UserProfile("Ada", "pro"));
  }

  @Test
  void expiringEntry_isReadBeforeItsTtl_andGoneAfterIt() {
    assertThat(result.codeBeforeExpiry()).isEqualTo("481516");
    assertThat(result.codeGoneAfter()).as("time until the entry was gone").isNotNull();
    // The clock behind expires_at (milliseconds) and the one measuring the wait (nanoseconds) differ slightly.
    assertThat(result.codeGoneAfter()).isGreaterThanOrEqualTo(TwoNodeDemo.CODE_TTL.minusMillis(20));
    assertThat(result.codeGoneAfter()).isLessThan(TwoNodeDemo.CODE_TTL.plusSeconds(3));
  }

  @Test
  void expiringEntry_isStoredWithExpiresAt_putTimePlusTtl() {
    assertThat(result.codeExpiresAt()).isNotNull();
    long putAt = result.codeExpiresAt() - TwoNodeDemo.CODE_TTL.toMillis();
    assertThat(putAt).isBetween(startedAtMillis, endedAtMillis);
  }

  @Test
  void registry_listsBothCaches_withTheirTables() {
    assertThat(result.registry()).extracting(TableInspector.RegistryRow::name)
        .containsExactly(TwoNodeDemo.CODES, TwoNodeDemo.USERS);
    TableInspector.RegistryRow users = result.registry().get(1);
    assertThat(result.usersTable())
        .isEqualTo("\"" + TwoNodeDemo.SCHEMA + "\".\"" + users.tableName() + "\"");
  }

  @Test
  void usersTable_isUnlogged_andHoldsBothEternalEntries() {
    assertThat(result.usersPersistence()).isEqualTo("u");
    assertThat(result.usersRows()).hasSize(2).allSatisfy(row -> {
      assertThat(row.keyBytes()).isPositive();
      assertThat(row.valueBytes()).isPositive();
      assertThat(row.expiresAt()).isNull();
    });
  }

  @Test
  void output_tellsWhatHappened() {
    assertThat(output)
        .contains("node B  get  user:1   -> UserProfile[name=Ada, plan=free]")
        .contains("node A  get  user:1   -> UserProfile[name=Ada, plan=pro]")
        .contains("node B  get  code:ada -> 481516")
        .contains("node B  get  code:ada -> null, ")
        .contains("relpersistence = 'u' (UNLOGGED")
        .contains("Done: ");
  }

  @Test
  void main_runsAndExitsByItself_inAJvmOfItsOwn(@TempDir Path directory) throws IOException, InterruptedException {
    Path log = directory.resolve("demo.log");
    Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-classpath", System.getProperty("java.class.path"), TwoNodeDemo.class.getName())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    // A thread left running (pool, sweeper, embedded server) would keep the JVM alive past this bound.
    boolean exited = demo.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS);
    if (!exited) {
      demo.destroyForcibly();
    }
    String printed = Files.readString(log);
    assertThat(exited).as("demo JVM exited; it printed:%n%s", printed).isTrue();
    assertThat(demo.exitValue()).as("exit code; output:%n%s", printed).isZero();
    assertThat(printed).contains("node A  get  user:1   -> UserProfile[name=Ada, plan=pro]").contains("Done: ");
  }
}
