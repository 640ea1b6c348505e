package io.pgjcache.internal.notify;

import io.pgjcache.internal.config.Secrets;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the LISTEN connection goes and as whom: the few facts {@link ListenConnection} needs, taken from a
 * pgjdbc URL so that users configure one URL format for everything.
 *
 * <p>Encryption follows the URL's {@code sslmode}, {@code ssl} and {@code sslrootcert} as pgjdbc reads them;
 * see {@link ListenSsl}.
 *
 * @param host     host name or IP address literal (IPv6 without brackets)
 * @param port     TCP port
 * @param database database name
 * @param user     role name
 * @param password password, or null when the server needs none; never part of {@link #toString()}
 * @param ssl      whether and how to encrypt
 */
public record ListenTarget(String host, int port, String database, String user, String password, ListenSsl ssl) {
  public static final int DEFAULT_PORT = 5432;

  private static final String PREFIX = "jdbc:postgresql://";

  public ListenTarget {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(ssl, "ssl");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("Port out of range: " + port);
    }
  }

  /** A target with pgjdbc's default encryption ({@code sslmode=prefer}). */
  public ListenTarget(String host, int port, String database, String user, String password) {
    this(host, port, database, user, password, ListenSsl.DEFAULT);
  }

  /**
   * Reads {@code jdbc:postgresql://host[:port][,host2...][/database][?key=value&...]}. Only the first host of
   * a multi-host list is used. The port defaults to 5432 and the database to the user's name. The explicit
   * user and password win; when null, the URL's {@code user} and {@code password} parameters are used.
   * Parameter values and the database name are percent-decoded as pgjdbc decodes them.
   *
   * @throws IllegalArgumentException if the URL is not of that form, names no user, or asks for SSL in a way
   *     {@link ListenSsl} does not support; the message never contains the password
   */
  public static ListenTarget fromJdbcUrl(String jdbcUrl, String user, String password) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith(PREFIX)) {
      throw invalid(jdbcUrl, "it does not start with " + PREFIX);
    }
    String rest = jdbcUrl.substring(PREFIX.length());
    int queryStart = rest.indexOf('?');
    Map<String, String> parameters = queryStart < 0 ? Map.of() : parameters(jdbcUrl, rest.substring(queryStart + 1));
    String withoutQuery = queryStart < 0 ? rest : rest.substring(0, queryStart);
    int pathStart = withoutQuery.indexOf('/');
    String hosts = pathStart < 0 ? withoutQuery : withoutQuery.substring(0, pathStart);
    String path = pathStart < 0 ? "" : decode(jdbcUrl, "database name", withoutQuery.substring(pathStart + 1));

    ListenSsl ssl;
    try {
      ssl = ListenSsl.fromParameters(parameters);
    } catch (IllegalArgumentException e) {
      throw invalid(jdbcUrl, e.getMessage());
    }
    String effectiveUser = user != null ? user : parameters.get("user");
    if (effectiveUser == null || effectiveUser.isEmpty()) {
      throw invalid(jdbcUrl, "it names no user; give one explicitly or as the URL parameter user");
    }
    String effectivePassword = password != null ? password : parameters.get("password");
    String firstHost = hosts.split(",", -1)[0];
    String host = host(jdbcUrl, firstHost);
    int port = port(jdbcUrl, firstHost);
    String database = path.isEmpty() ? effectiveUser : path;
    return new ListenTarget(host, port, database, effectiveUser, effectivePassword, ssl);
  }

  @Override
  public String toString() {
    return "ListenTarget[host=" + host + ", port=" + port + ", database=" + database + ", user=" + user
        + ", password=" + (password == null ? null : Secrets.MASK) + ", sslmode=" + ssl.mode().spelling() + "]";
  }

  private static Map<String, String> parameters(String jdbcUrl, String query) {
    Map<String, String> parameters = new HashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String key = decode(jdbcUrl, "parameter name", equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(jdbcUrl, "value of parameter " + key, pair.substring(equals + 1));
      parameters.put(key, value);
    }
    return parameters;
  }

  private static String host(String jdbcUrl, String hostAndPort) {
    String host;
    if (hostAndPort.startsWith("[")) {
      int close = hostAndPort.indexOf(']');
      if (close < 0) {
        throw invalid(jdbcUrl, "an IPv6 address lacks its closing bracket");
      }
      host = hostAndPort.substring(1, close);
    } else {
      int colon = hostAndPort.indexOf(':');
      host = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }
    // pgjdbc connects to localhost when the URL names no host.
    return host.isEmpty() ? "localhost" : host;
  }

  private static int port(String jdbcUrl, String hostAndPort) {
    int afterHost = hostAndPort.startsWith("[") ? hostAndPort.indexOf(']') + 1 : 0;
    int colon = hostAndPort.indexOf(':', afterHost);
    if (colon < 0 || colon == hostAndPort.length() - 1) {
      return DEFAULT_PORT;
    }
    String port = hostAndPort.substring(colon + 1);
    try {
      int value = Integer.parseInt(port);
      if (value >= 1 && value <= 65_535) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(jdbcUrl, "its port " + port + " is not a number from 1 to 65535");
  }

  private static String decode(String jdbcUrl, String what, String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // The decoder's own message quotes the text, which may be a password.
      throw invalid(jdbcUrl, "the " + what + " is not correctly percent-encoded");
    }
  }

  private static IllegalArgumentException invalid(String jdbcUrl, String reason) {
    return new IllegalArgumentException("Cannot use the JDBC URL " + Secrets.maskUrl(jdbcUrl)
        + " for the listen connection: " + reason);
  }
}
