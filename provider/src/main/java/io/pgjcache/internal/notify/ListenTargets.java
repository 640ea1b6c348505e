package io.pgjcache.internal.notify;

import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.internal.config.ManagerSettings;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.ds.common.BaseDataSource;

/**
 * Finds where a manager's LISTEN connection goes: {@code pgjcache.listen.url} if set, else the address the
 * manager's DataSource connects to, read from HikariCP's or pgjdbc's own DataSource classes. Any other
 * DataSource gives no target: the near cache then needs {@code pgjcache.listen.url}.
 */
public final class ListenTargets {
  private ListenTargets() {
  }

  public static Optional<ListenTarget> resolve(ManagerSettings settings, DataSource dataSource) {
    if (settings.listenUrl() != null) {
      return Optional.of(ListenTarget.fromJdbcUrl(settings.listenUrl(), settings.user(), settings.password()));
    }
    if (dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
      return Optional.of(ListenTarget.fromJdbcUrl(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword()));
    }
    try {
      if (dataSource.isWrapperFor(BaseDataSource.class)) {
        BaseDataSource pgjdbc = dataSource.unwrap(BaseDataSource.class);
        return Optional.of(ListenTarget.fromJdbcUrl(pgjdbc.getUrl(), pgjdbc.getUser(), pgjdbc.getPassword()));
      }
    } catch (SQLException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
