package io.pgjcache.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A database role of its own for a node's LISTEN connection, so that a test can cut that connection and keep it
 * cut: the role may no longer log in, then its backend is terminated; {@link #restore} lets it log in again, and
 * the listener reconnects by itself. The pool's connections, under another role, are untouched.
 */
public final class ListenerRole {
  private final String adminUrl;
  private final String name = "listener_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final String password = UUID.randomUUID().toString();

  /** @param adminUrl a JDBC URL whose user may create roles and terminate sessions */
  public ListenerRole(String adminUrl) {
    this.adminUrl = adminUrl;
  }

  public void create() {
    execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'");
  }

  /** The admin URL with this role's user and password instead: for {@code pgjcache.listen.url}. */
  public String url() {
    int query = adminUrl.indexOf('?');
    List<String> parameters = new ArrayList<>();
    if (query >= 0) {
      for (String parameter : adminUrl.substring(query + 1).split("&")) {
        if (!parameter.startsWith("user=") && !parameter.startsWith("password=") && !parameter.isEmpty()) {
          parameters.add(parameter);
        }
      }
    }
    parameters.add("user=" + name);
    parameters.add("password=" + password);
    return (query >= 0 ? adminUrl.substring(0, query) : adminUrl) + "?" + String.join("&", parameters);
  }

  /** Stops the role logging in, then ends the LISTEN session with this backend process id. */
  public void cut(int backendPid) {
    execute("ALTER ROLE " + name + " NOLOGIN");
    execute("SELECT pg_terminate_backend(" + backendPid + ")");
  }

  public void restore() {
    execute("ALTER ROLE " + name + " LOGIN");
  }

  /** Ends the role's sessions and drops it. */
  public void drop() {
    execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + name + "'");
    execute("DROP ROLE IF EXISTS " + name);
  }

  private void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(adminUrl);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("Test SQL failed: " + sql, e);
    }
  }
}
