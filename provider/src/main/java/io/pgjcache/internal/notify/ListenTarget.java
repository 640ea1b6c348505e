package io.pgjcache.internal.notify;

import io.pgjcache.internal.config.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.jdbc.SslMode;
import org.postgresql.util.PSQLException;

/**
 * Where the LISTEN connection goes, as whom and how encrypted: the connection properties that pgjdbc itself
 * reads from a JDBC URL ({@link Driver#parseURL}), so that the LISTEN connection accepts exactly the URLs the
 * pool accepts: several hosts, bracketed IPv6 addresses, percent-encoded parts, {@code service=}, a password
 * from {@code .pgpass}, and every {@code ssl*} parameter (see {@link ListenSsl}).
 *
 * <p>Immutable. The password is never part of {@link #toString()}.
 */
public final class ListenTarget {
  /** One host of the URL, as pgjdbc spells it (an IPv6 address in brackets). */
  public record Address(String host, int port) {
    public Address {
      Objects.requireNonNull(host, "host");
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("Port out of range: " + port);
      }
    }

    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  private final Properties properties;
  private final List<Address> addresses;

  private ListenTarget(Properties properties) {
    this.properties = properties;
    String[] hosts = PGProperty.PG_HOST.getOrDefault(properties).split(",", -1);
    String[] ports = PGProperty.PG_PORT.getOrDefault(properties).split(",", -1);
    List<Address> list = new ArrayList<>(hosts.length);
    for (int i = 0; i < hosts.length; i++) {
      list.add(new Address(hosts[i], Integer.parseInt(ports[i])));
    }
    this.addresses = List.copyOf(list);
  }

  /** A target with pgjdbc's defaults for everything but the address and credentials. */
  public ListenTarget(String host, int port, String database, String user, String password) {
    this(properties(new Address(host, port), Objects.requireNonNull(database, "database"),
        Objects.requireNonNull(user, "user"), password));
  }

  /**
   * Reads the URL as pgjdbc's driver does. The explicit user and password are what the pool hands pgjdbc
   * beside the URL, so as there the URL's own {@code user} and {@code password} win over them.
   *
   * @throws IllegalArgumentException if pgjdbc cannot parse the URL, it names no user, or its {@code sslmode}
   *     is not one pgjdbc knows; the message never contains the password
   */
  public static ListenTarget fromJdbcUrl(String jdbcUrl, String user, String password) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Properties given = new Properties();
    if (user != null) {
      given.setProperty(PGProperty.USER.getName(), user);
    }
    if (password != null) {
      given.setProperty(PGProperty.PASSWORD.getName(), password);
    }
    // pgjdbc logs a URL it cannot parse at WARNING, password and all: it sees the masked URL first, which it
    // parses alike (only the password differs), and the real one only once that passed.
    Properties parsed = Driver.parseURL(Secrets.maskUrl(jdbcUrl), given) == null ? null
        : Driver.parseURL(jdbcUrl, given);
    if (parsed == null) {
      throw invalid(jdbcUrl, "pgjdbc cannot parse it (expected jdbc:postgresql://host[:port][,host2[:port2]...]"
          + "/[database][?key=value&...])");
    }
    String effectiveUser = PGProperty.USER.getOrDefault(parsed);
    if (effectiveUser == null || effectiveUser.isEmpty()) {
      throw invalid(jdbcUrl, "it names no user; give one explicitly or as the URL parameter user");
    }
    try {
      SslMode.of(parsed);
    } catch (PSQLException e) {
      throw invalid(jdbcUrl, e.getMessage());
    }
    return new ListenTarget(parsed);
  }

  /** The hosts in the URL's order; the LISTEN connection goes to the first that accepts it, as pgjdbc does. */
  public List<Address> addresses() {
    return addresses;
  }

  /** The first host. */
  public String host() {
    return addresses.get(0).host();
  }

  /** The first host's port. */
  public int port() {
    return addresses.get(0).port();
  }

  public String database() {
    return PGProperty.PG_DBNAME.getOrDefault(properties);
  }

  public String user() {
    return PGProperty.USER.getOrDefault(properties);
  }

  /** The password, or null when none is configured. */
  public String password() {
    return PGProperty.PASSWORD.getOrDefault(properties);
  }

  /** The same target at another address, e.g. through a proxy; everything else, SSL included, is kept. */
  public ListenTarget at(String host, int port) {
    Address address = new Address(host, port);
    Properties moved = copy();
    PGProperty.PG_HOST.set(moved, address.host());
    PGProperty.PG_PORT.set(moved, Integer.toString(address.port()));
    return new ListenTarget(moved);
  }

  /** A copy of every connection property, as pgjdbc's SSL machinery reads them. */
  Properties copy() {
    Properties copy = new Properties();
    copy.putAll(properties);
    return copy;
  }

  @Override
  public String toString() {
    return "ListenTarget[" + addresses + ", database=" + database() + ", user=" + user()
        + ", password=" + (password() == null ? null : Secrets.MASK) + ", sslmode=" + sslModeText() + "]";
  }

  private String sslModeText() {
    try {
      return SslMode.of(properties).value;
    } catch (PSQLException e) {
      return "invalid";
    }
  }

  private static Properties properties(Address address, String database, String user, String password) {
    Properties properties = new Properties();
    PGProperty.PG_HOST.set(properties, address.host());
    PGProperty.PG_PORT.set(properties, Integer.toString(address.port()));
    PGProperty.PG_DBNAME.set(properties, database);
    PGProperty.USER.set(properties, user);
    if (password != null) {
      PGProperty.PASSWORD.set(properties, password);
    }
    return properties;
  }

  private static IllegalArgumentException invalid(String jdbcUrl, String reason) {
    return new IllegalArgumentException("Cannot use the JDBC URL " + Secrets.maskUrl(jdbcUrl)
        + " for the listen connection: " + reason);
  }
}
