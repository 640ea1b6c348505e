package io.pgjcache.internal.store;

import static io.pgjcache.internal.store.Identifiers.qualified;
import static io.pgjcache.internal.store.Identifiers.quote;

/**
 * All SQL text of the provider. Identifiers are quoted here and only here; every user value is a
 * bound parameter. Statements for one cache table are built once, when the cache is opened.
 */
public final class Sql {
  /** Advisory lock class id that serialises DDL (registry and table creation) across nodes. */
  static final int DDL_LOCK = 0x70676a63; // "pgjc"

  private Sql() {
  }

  // ---- schema and registry ------------------------------------------------------------------

  static String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
  }

  static String createRegistry(String schema) {
    return "CREATE TABLE IF NOT EXISTS " + qualified(schema, "caches") + " ("
        + " id serial PRIMARY KEY,"
        + " name text NOT NULL UNIQUE,"
        + " table_name text NOT NULL UNIQUE,"
        + " key_type text NOT NULL,"
        + " value_type text NOT NULL,"
        + " unlogged boolean NOT NULL,"
        + " created_at timestamptz NOT NULL DEFAULT now())";
  }

  static String createVersionSequence(String schema) {
    // Each connection takes a block of CACHE values at a time, and taking one writes WAL. A transaction
    // that wrote WAL waits for a WAL flush at commit (with synchronous_commit on), which writes to UNLOGGED
    // tables otherwise never do: with CACHE 100 one put in a hundred waited for an fsync. Gaps that a
    // large block leaves in the numbers are harmless; versions only need to change on every write.
    return "CREATE SEQUENCE IF NOT EXISTS " + qualified(schema, "entry_version") + " CACHE 10000";
  }

  static String ddlLock() {
    return "SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")";
  }

  static String findCache(String schema) {
    return "SELECT id, table_name, key_type, value_type, unlogged FROM " + qualified(schema, "caches")
        + " WHERE name = ?";
  }

  static String cacheNames(String schema) {
    return "SELECT name FROM " + qualified(schema, "caches") + " ORDER BY name";
  }

  static String registerCache(String schema) {
    return "INSERT INTO " + qualified(schema, "caches")
        + " (name, table_name, key_type, value_type, unlogged) VALUES (?, ?, ?, ?, ?) RETURNING id";
  }

  static String unregisterCache(String schema) {
    return "DELETE FROM " + qualified(schema, "caches") + " WHERE name = ? RETURNING table_name";
  }

  static String createCacheTable(String schema, String table, boolean unlogged) {
    // fillfactor leaves room in each page so that value updates are HOT (no index write) when
    // expires_at does not change; autovacuum runs early because a cache churns.
    return "CREATE " + (unlogged ? "UNLOGGED " : "") + "TABLE IF NOT EXISTS " + qualified(schema, table) + " ("
        + " key_digest bytea PRIMARY KEY,"
        + " key_bytes bytea NOT NULL,"
        + " value_bytes bytea NOT NULL,"
        + " expires_at bigint,"
        + " version bigint NOT NULL)"
        + " WITH (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.02,"
        + " autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05)";
  }

  static String createExpiryIndex(String schema, String table) {
    return "CREATE INDEX IF NOT EXISTS " + quote(table + "_expires_at") + " ON " + qualified(schema, table)
        + " (expires_at) WHERE expires_at IS NOT NULL";
  }

  static String dropCacheTable(String schema, String table) {
    return "DROP TABLE IF EXISTS " + qualified(schema, table);
  }

  // ---- one cache table ---------------------------------------------------------------------

  /** The statements of one cache table, built once per opened cache. */
  static final class Table {
    final String select;
    final String selectExpiry;
    final String selectMany;
    final String lockKey;
    final String upsert;
    final String lockedUpsert;
    final String delete;
    final String lockedDelete;
    final String touch;
    final String touchIfLive;
    final String deleteAll;
    final String clear;
    final String page;
    final String sweep;
    final String count;

    Table(String schema, String table) {
      String t = qualified(schema, table);
      String sequence = qualified(schema, "entry_version");
      select = "SELECT value_bytes, expires_at FROM " + t + " WHERE key_digest = ?";
      selectExpiry = "SELECT expires_at FROM " + t + " WHERE key_digest = ?";
      selectMany = "SELECT key_digest, value_bytes, expires_at FROM " + t + " WHERE key_digest = ANY (?)";
      lockKey = "SELECT pg_advisory_xact_lock(?, ?)";
      // Inside a transaction that already holds the key's advisory lock: plain upsert.
      upsert = "INSERT INTO " + t + " AS e (key_digest, key_bytes, value_bytes, expires_at, version)"
          + " VALUES (?, ?, ?, ?, nextval('" + sequence.replace("'", "''") + "'))"
          + " ON CONFLICT (key_digest) DO UPDATE SET value_bytes = EXCLUDED.value_bytes,"
          + " expires_at = EXCLUDED.expires_at, version = EXCLUDED.version";
      // One statement, one round trip: takes the key's advisory lock (so it cannot interleave with a
      // read-modify-write of another node), then inserts or updates. A row that has expired is
      // treated as absent: it gets the creation expiry. Otherwise the update expiry, or the row's
      // own expiry when the policy leaves it unchanged.
      lockedUpsert = "INSERT INTO " + t + " AS e (key_digest, key_bytes, value_bytes, expires_at, version)"
          + " SELECT ?, ?, ?, ?, nextval('" + sequence.replace("'", "''") + "') FROM pg_advisory_xact_lock(?, ?)"
          + " ON CONFLICT (key_digest) DO UPDATE SET value_bytes = EXCLUDED.value_bytes,"
          + " expires_at = CASE WHEN e.expires_at <= ? THEN EXCLUDED.expires_at"
          + " WHEN ? THEN e.expires_at ELSE ?::bigint END,"
          + " version = EXCLUDED.version";
      delete = "DELETE FROM " + t + " WHERE key_digest = ? RETURNING expires_at";
      lockedDelete = "DELETE FROM " + t + " USING pg_advisory_xact_lock(?, ?) AS lock"
          + " WHERE key_digest = ? RETURNING expires_at";
      touch = "UPDATE " + t + " SET expires_at = ? WHERE key_digest = ?";
      touchIfLive = "UPDATE " + t + " SET expires_at = ? WHERE key_digest = ?"
          + " AND (expires_at IS NULL OR expires_at > ?) RETURNING value_bytes";
      deleteAll = "WITH d AS (DELETE FROM " + t + " RETURNING expires_at)"
          + " SELECT count(*) FILTER (WHERE expires_at IS NULL OR expires_at > ?) FROM d";
      clear = "DELETE FROM " + t;
      page = "SELECT key_digest, key_bytes, value_bytes, expires_at FROM " + t
          + " WHERE key_digest > ? ORDER BY key_digest LIMIT ?";
      // SKIP LOCKED: several nodes sweep the same table without waiting for each other.
      sweep = "DELETE FROM " + t + " WHERE key_digest IN (SELECT key_digest FROM " + t
          + " WHERE expires_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING key_bytes, value_bytes";
      count = "SELECT count(*) FROM " + t + " WHERE expires_at IS NULL OR expires_at > ?";
    }
  }
}
