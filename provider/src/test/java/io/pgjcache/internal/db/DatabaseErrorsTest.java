package io.pgjcache.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DatabaseErrorsTest {
  private static final String HINT = "set it to PT0S there";

  @Test
  void translate_pointsAtTheStatementTimeout_whenAPoolerRefusesTheOptionsParameter() {
    // PgBouncer before 1.20, and since.
    for (String refusal : new String[] {"FATAL: unsupported startup parameter: options",
        "FATAL: unsupported startup parameter in options: statement_timeout"}) {
      assertThat(DatabaseErrors.translate("get", new SQLException(refusal, "08P01")).getMessage())
          .contains(refusal).contains("pgjcache.statement-timeout").contains(HINT);
    }
  }

  @Test
  void translate_addsNoHint_toOtherConnectionFailures() {
    assertThat(DatabaseErrors.translate("get", new SQLException("Connection refused", "08001")).getMessage())
        .contains("database unavailable").doesNotContain(HINT);
    assertThat(DatabaseErrors.translate("get", new SQLException("FATAL: unsupported startup parameter: x", "08P01"))
        .getMessage()).doesNotContain(HINT);
  }
}
