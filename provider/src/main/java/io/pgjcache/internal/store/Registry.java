package io.pgjcache.internal.store;

import io.pgjcache.internal.db.Database;
import io.pgjcache.internal.db.DatabaseErrors;
import io.pgjcache.internal.db.DeferredSetUp;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The registry table {@code <schema>.caches}, which every node reads to learn which caches exist
 * and where their entries live, and the DDL that creates and drops cache tables. DDL runs under one
 * advisory lock so that nodes starting together do not race on {@code CREATE ... IF NOT EXISTS}.
 *
 * <p>The schema is set up on first use, not when the registry is made: a manager can start while PostgreSQL is
 * down. Every method below that reads or changes the registry first makes sure the schema is there
 * ({@link DeferredSetUp}: one attempt at a time, retried by the next use until it succeeds).
 */
public final class Registry {
  private static final System.Logger LOG = System.getLogger(Registry.class.getName());

  /**
   * What the registry records about a cache.
   *
   * @param verbatimShortKeys whether its table keeps short keys verbatim ({@link CacheTable#rowKey}): the caches this
   *                          version registers do unless {@code pgjcache.verbatim-short-keys} is false, those of
   *                          earlier versions key every row by its digest
   */
  public record CacheRecord(int id, String name, String tableName, Shape shape, boolean verbatimShortKeys) {
  }

  /**
   * What the creating node configured and every node opening the cache by name alone should apply.
   *
   * @param expiry the expiry policy as {@code PortableExpiry} text, or null when it cannot be written down
   * @param codec  the name of the codec of its keys and values, which every node must use
   */
  public record Shape(String keyType, String valueType, boolean unlogged, String expiry, boolean storeByValue,
      String codec) {
  }

  /** How long creating notify triggers waits for the transactions writing to a table before it gives up for now. */
  private static final Duration ANNOUNCE_LOCK_TIMEOUT = Duration.ofMillis(200);

  private final Database database;
  private final String schema;
  /** Whether the caches this node registers keep short keys as their own row keys. */
  private final boolean verbatimShortKeys;
  private final String channel;
  private final DeferredSetUp<Boolean> schemaSetUp;

  /**
   * @param verbatimShortKeys whether the caches this node registers keep short keys as their own row keys
   *                          ({@link CacheRecord})
   * @param quietPeriod       how long after a set-up attempt found the database down the next one waits
   */
  public Registry(Database database, String schema, boolean verbatimShortKeys, Duration quietPeriod) {
    this.database = Objects.requireNonNull(database, "database");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.verbatimShortKeys = verbatimShortKeys;
    this.channel = Identifiers.channel(schema);
    this.schemaSetUp = new DeferredSetUp<>(() -> {
      initialize();
      return true;
    }, quietPeriod);
  }

  /** The notification channel every change of every cache table in this schema is announced on. */
  public String channel() {
    return channel;
  }

  public String schema() {
    return schema;
  }

  /**
   * Sets the schema up now unless that was done already (or an attempt found the database down a moment ago).
   *
   * @throws javax.cache.CacheException when it cannot be set up;
   *                                    {@link io.pgjcache.internal.db.DatabaseOutage#isOutage} tells whether the
   *                                    database was unreachable
   */
  public void setUp() {
    schemaSetUp.get();
  }

  /**
   * Creates the schema, the registry, the version sequence and the statistics view if they do
   * not exist, and brings the functions up to date.
   */
  private void initialize() {
    database.transaction(() -> "pgjcache: creating schema " + schema, connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute(Sql.ddlLock());
        statement.execute(Sql.createSchema(schema));
        statement.execute(Sql.createRegistry(schema));
        Set<String> columns = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement(Sql.registryColumns())) {
          select.setString(1, Sql.registryName(schema));
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              columns.add(rs.getString(1));
            }
          }
        }
        for (Map.Entry<String, String> upgrade : Sql.registryUpgrades(schema).entrySet()) {
          if (!columns.contains(upgrade.getKey())) {
            statement.execute(upgrade.getValue());
          }
        }
        statement.execute(Sql.createVersionSequence(schema));
        statement.execute(Sql.createNotifyFunction(schema));
        statement.execute(Sql.createExpiryStatsFunction(schema));
        statement.execute(Sql.createStatsView(schema));
        boolean announced = installDroppedTableTrigger(connection, statement);
        LOG.log(Level.DEBUG, () -> "pgjcache: schema " + schema + ": a cache table dropped by hand is noticed "
            + (announced ? "at once (event trigger)" : "at the next sweep (creating an event trigger needs a superuser)"));
      }
      return null;
    });
  }

  /**
   * Installs the event trigger that announces a cache table dropped by hand, where this role may (only a superuser
   * can create event triggers); returns whether it is in place. Without it, nodes notice at their next sweep.
   */
  private boolean installDroppedTableTrigger(Connection connection, Statement statement) throws SQLException {
    statement.execute(Sql.createDroppedTableFunction(schema, channel));
    String trigger = Identifiers.droppedTableTrigger(schema);
    try (PreparedStatement find = connection.prepareStatement(Sql.findEventTrigger())) {
      find.setString(1, trigger);
      try (ResultSet rs = find.executeQuery()) {
        if (rs.next()) {
          return true;
        }
      }
    }
    Savepoint beforeTrigger = connection.setSavepoint();
    try {
      statement.execute(Sql.createDroppedTableTrigger(schema, trigger));
      return true;
    } catch (SQLException e) {
      if (!DatabaseErrors.isInsufficientPrivilege(e)) {
        throw e;
      }
      connection.rollback(beforeTrigger);
      return false;
    }
  }

  public Optional<CacheRecord> find(String cacheName) {
    setUp();
    return database.autoCommit(() -> "pgjcache: looking up cache '" + cacheName + "'",
        connection -> find(connection, cacheName));
  }

  public List<String> cacheNames() {
    setUp();
    return database.autoCommit(() -> "pgjcache: listing caches", connection -> {
      List<String> names = new ArrayList<>();
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery(Sql.cacheNames(schema))) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      return names;
    });
  }

  /**
   * Returns the registered cache of this name, registering it and creating its table first if there
   * is none. The boolean-free result keeps "who created it" irrelevant: every node may call this.
   */
  public CacheRecord findOrCreate(String cacheName, Shape shape) {
    setUp();
    return database.transaction(() -> "pgjcache: creating cache '" + cacheName + "'", connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute(Sql.ddlLock());
      }
      Optional<CacheRecord> existing = find(connection, cacheName);
      if (existing.isPresent()) {
        return existing.get();
      }
      String table = Identifiers.tableName(cacheName);
      int id;
      try (PreparedStatement insert = connection.prepareStatement(Sql.registerCache(schema))) {
        insert.setString(1, cacheName);
        insert.setString(2, table);
        insert.setString(3, shape.keyType());
        insert.setString(4, shape.valueType());
        insert.setBoolean(5, shape.unlogged());
        insert.setString(6, shape.expiry());
        insert.setBoolean(7, shape.storeByValue());
        insert.setString(8, shape.codec());
        insert.setBoolean(9, verbatimShortKeys);
        try (ResultSet rs = insert.executeQuery()) {
          rs.next();
          id = rs.getInt(1);
        }
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute(Sql.createCacheTable(schema, table, shape.unlogged(), ValueColumn.of(shape.codec())));
        statement.execute(Sql.createExpiryIndex(schema, table));
      }
      return new CacheRecord(id, cacheName, table, shape, verbatimShortKeys);
    });
  }

  /**
   * Makes sure every change of the caches' tables by writers other than the provider is announced: creates the
   * notify triggers ({@link Sql#createNotifyTriggers}) on those that lack them. A node calls this before its near
   * cache of a cache serves, so a cache that no node near-caches has no triggers and its writes pay nothing for
   * them. Creating a trigger waits for the transactions that are writing to the table (and holds new ones back
   * until it commits, a moment; it gives up after {@link #ANNOUNCE_LOCK_TIMEOUT} rather than stall writers behind a
   * long transaction, and the caller tries again); every statement that starts after it fires the triggers, so no
   * other writer's change can commit unannounced once this returns. Triggers are never dropped again: a later
   * near-cacher finds them.
   */
  public void announceOtherWriters(int[] cacheIds) {
    if (cacheIds.length == 0) {
      return;
    }
    setUp();
    database.transaction(() -> "pgjcache: creating the notify triggers of caches " + Arrays.toString(cacheIds), c -> {
      Map<Integer, String> tables = new LinkedHashMap<>();
      try (PreparedStatement select = c.prepareStatement(Sql.unannouncedTables(schema))) {
        select.setArray(1, c.createArrayOf("int4", Arrays.stream(cacheIds).boxed().toArray()));
        select.setArray(2, c.createArrayOf("text", Sql.NOTIFY_TRIGGERS.toArray()));
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            tables.put(rs.getInt(1), rs.getString(2));
          }
        }
      }
      try (Statement statement = c.createStatement()) {
        // Waiting for a long transaction on the table would hold every new writer back behind the trigger's lock:
        // give up soon instead, and let the caller try again.
        statement.execute(Sql.setLocalLockTimeout(ANNOUNCE_LOCK_TIMEOUT));
        for (Map.Entry<Integer, String> table : tables.entrySet()) {
          for (String trigger : Sql.createNotifyTriggers(schema, table.getValue(), channel, table.getKey())) {
            statement.execute(trigger);
          }
        }
      }
      return null;
    });
  }

  /** Drops the cache's table and forgets it; false if there was no such cache. */
  public boolean destroy(String cacheName) {
    setUp();
    return database.transaction(() -> "pgjcache: destroying cache '" + cacheName + "'", connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute(Sql.ddlLock());
      }
      int id;
      String table;
      try (PreparedStatement delete = connection.prepareStatement(Sql.unregisterCache(schema))) {
        delete.setString(1, cacheName);
        try (ResultSet rs = delete.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
          id = rs.getInt(1);
          table = rs.getString(2);
        }
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute(Sql.dropCacheTable(schema, table));
      }
      try (PreparedStatement notify = connection.prepareStatement(Sql.notifyCacheChanged())) {
        notify.setString(1, channel);
        notify.setString(2, String.valueOf(id));
        notify.execute();
      }
      return true;
    });
  }

  private Optional<CacheRecord> find(Connection connection, String cacheName) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(Sql.findCache(schema))) {
      select.setString(1, cacheName);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new CacheRecord(rs.getInt(1), cacheName, rs.getString(2),
            new Shape(rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getString(6), rs.getBoolean(7),
                rs.getString(8)), rs.getBoolean(9)));
      }
    }
  }
}
