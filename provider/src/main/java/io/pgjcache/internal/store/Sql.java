package io.pgjcache.internal.store;

import static io.pgjcache.internal.store.Identifiers.qualified;
import static io.pgjcache.internal.store.Identifiers.quote;

import io.pgjcache.internal.codec.KeyDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * All SQL text of the provider. Identifiers are quoted here and only here; every user value is a
 * bound parameter. Statements for one cache table are built once, when the cache is opened.
 */
public final class Sql {
  /** Advisory lock class id that serialises DDL (registry and table creation) across nodes. */
  static final int DDL_LOCK = 0x70676a63; // "pgjc"
  /**
   * The first half of the two-int advisory lock {@code (SILENT_WRITERS, cache id)} that a write takes, shared and
   * until its transaction ends, before it asks whether anyone near-caches its cache (see {@link #nearCached}). The
   * per-key locks are {@code (cache id, key hash)} with positive cache ids, so a negative first half never meets
   * one of them.
   */
  static final int SILENT_WRITERS = -DDL_LOCK;
  /**
   * The first half of the two-int advisory lock {@code (NEAR_CACHERS, cache id)} that a node near-caching the cache
   * holds, shared, on its LISTEN connection for as long as it does (see {@link #nearCached}).
   */
  static final int NEAR_CACHERS = -DDL_LOCK - 1;
  /** Most keys one trigger notification names; a statement changing more sends "anything may have changed". */
  public static final int MAX_KEYS_PER_NOTIFICATION = 64;
  /**
   * Most keys one notification of the provider's own statements names: a key takes 45 characters (base64 of a
   * 32-byte digest and a space), so 160 of them and a cache id stay below PostgreSQL's 8000-byte payload limit.
   */
  public static final int KEYS_PER_PAYLOAD = 160;
  /**
   * The notifications naming these key digests, {@value #KEYS_PER_PAYLOAD} keys per notification, in the form the
   * triggers write: {@code "<cache id> <base64 digest> ..."}.
   */
  static String[] payloads(int cacheId, List<byte[]> digests) {
    Base64.Encoder base64 = Base64.getEncoder();
    List<String> payloads = new ArrayList<>();
    for (int from = 0; from < digests.size(); from += KEYS_PER_PAYLOAD) {
      List<byte[]> part = digests.subList(from, Math.min(digests.size(), from + KEYS_PER_PAYLOAD));
      payloads.add(cacheId + " " + part.stream().map(base64::encodeToString).collect(Collectors.joining(" ")));
    }
    return payloads.toArray(String[]::new);
  }

  /**
   * The transaction-local setting by which the provider's own statements tell the triggers that they notify by
   * themselves (see {@link Table}). Set with {@code set_config(..., true)}, it ends with the transaction, so it
   * works through PgBouncer in transaction mode and on an application's DataSource alike.
   */
  static final String NOTIFIED_SETTING = "pgjcache.notified";
  /** The trigger function of the tables' notify triggers (see {@link #createNotifyFunction}). */
  private static final String NOTIFY_FUNCTION = "notify_key_changes";
  /** Whether an earlier statement of the current transaction said it notifies by itself. */
  private static final String NOTIFIED = "current_setting('" + NOTIFIED_SETTING + "', true) = 'on'";

  private Sql() {
  }

  // ---- schema and registry ------------------------------------------------------------------

  static String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
  }

  static String createRegistry(String schema) {
    // A cache name may be far longer than a B-tree entry can hold (about 2.7 kB), so names are kept
    // unique through a hash index, which stores only their hash codes.
    return "CREATE TABLE IF NOT EXISTS " + qualified(schema, "caches") + " ("
        + " id serial PRIMARY KEY,"
        + " name text NOT NULL,"
        + " table_name text NOT NULL UNIQUE,"
        + " key_type text NOT NULL,"
        + " value_type text NOT NULL,"
        + " unlogged boolean NOT NULL,"
        + " created_at timestamptz NOT NULL DEFAULT now(),"
        + " expiry text,"
        + " store_by_value boolean NOT NULL DEFAULT true,"
        + " codec text NOT NULL DEFAULT 'java',"
        + " verbatim_short_keys boolean NOT NULL DEFAULT false,"
        + " CONSTRAINT caches_name_unique EXCLUDE USING hash (name WITH =))";
  }

  /**
   * Columns later versions added to the registry, each with the statement that adds it to a registry an earlier
   * version created. Only missing columns are added: ALTER TABLE locks the registry exclusively even when there
   * is nothing to add, which would stall every node's registry reads behind any long reader.
   */
  static Map<String, String> registryUpgrades(String schema) {
    String registry = qualified(schema, "caches");
    Map<String, String> upgrades = new LinkedHashMap<>();
    upgrades.put("expiry", "ALTER TABLE " + registry + " ADD COLUMN IF NOT EXISTS expiry text");
    upgrades.put("store_by_value",
        "ALTER TABLE " + registry + " ADD COLUMN IF NOT EXISTS store_by_value boolean NOT NULL DEFAULT true");
    // Caches registered before codecs could be chosen were all written by the java codec.
    upgrades.put("codec", "ALTER TABLE " + registry + " ADD COLUMN IF NOT EXISTS codec text NOT NULL DEFAULT 'java'");
    // Earlier versions key every row by its digest, and register caches without this column: false for theirs.
    upgrades.put("verbatim_short_keys", "ALTER TABLE " + registry
        + " ADD COLUMN IF NOT EXISTS verbatim_short_keys boolean NOT NULL DEFAULT false");
    return upgrades;
  }

  /** The registry's column names; the parameter is its quoted, qualified name. */
  static String registryColumns() {
    return "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped";
  }

  static String registryName(String schema) {
    return qualified(schema, "caches");
  }

  static String createVersionSequence(String schema) {
    // Each connection takes a block of CACHE values at a time, and taking one writes WAL. A transaction
    // that wrote WAL waits for a WAL flush at commit (with synchronous_commit on), which writes to UNLOGGED
    // tables otherwise never do: with CACHE 100 one put in a hundred waited for an fsync. Gaps that a
    // large block leaves in the numbers are harmless; versions only need to change on every write.
    return "CREATE SEQUENCE IF NOT EXISTS " + qualified(schema, "entry_version") + " CACHE 10000";
  }

  /**
   * The trigger function that turns every committed change of a cache table into one notification per
   * statement: {@code "<cache id> <digest> <digest> ..."} with base64 key digests, or {@code "<cache id> *"}
   * ("anything may have changed") for TRUNCATE and for statements touching more than
   * {@link #MAX_KEYS_PER_NOTIFICATION} keys, which keeps every payload far below PostgreSQL's 8000-byte limit.
   * NOTIFY is transactional: nothing is sent for a rolled-back change.
   *
   * <p>Named apart from {@code notify_change}, the function of earlier versions, which names a row by its primary
   * key: nodes of those versions replace theirs on every start, and a table whose short keys are their own primary
   * keys must never have its keys announced by themselves. Triggers made by earlier versions keep calling theirs, which
   * is right for their tables, keyed by digest.
   */
  static String createNotifyFunction(String schema) {
    String limit = String.valueOf(MAX_KEYS_PER_NOTIFICATION);
    String overLimit = String.valueOf(MAX_KEYS_PER_NOTIFICATION + 1);
    return "CREATE OR REPLACE FUNCTION " + qualified(schema, NOTIFY_FUNCTION) + "() RETURNS trigger"
        + " LANGUAGE plpgsql AS $fn$\n"
        + "DECLARE n integer; digests text;\n"
        + "BEGIN\n"
        + "  IF TG_OP = 'TRUNCATE' THEN\n"
        + "    PERFORM pg_notify(TG_ARGV[0], TG_ARGV[1] || ' *'); RETURN NULL;\n"
        // Tables made by earlier versions fire for every statement: the provider's own statements notified already.
        + "  ELSIF " + NOTIFIED + " THEN\n"
        + "    RETURN NULL;\n"
        + "  ELSIF TG_OP = 'DELETE' THEN\n"
        + "    SELECT count(*), string_agg(encode(d, 'base64'), ' ') INTO n, digests\n"
        + "      FROM (SELECT " + digestOf("key_digest") + " AS d FROM old_rows LIMIT " + overLimit + ") AS changed;\n"
        + "  ELSIF TG_OP = 'UPDATE' THEN\n"
        + "    SELECT count(*), string_agg(encode(d, 'base64'), ' ') INTO n, digests\n"
        + "      FROM (SELECT " + digestOf("k") + " AS d FROM (SELECT key_digest FROM old_rows UNION"
        + " SELECT key_digest FROM new_rows LIMIT " + overLimit + ") AS row_keys(k)) AS changed;\n"
        + "  ELSE\n"
        + "    SELECT count(*), string_agg(encode(d, 'base64'), ' ') INTO n, digests\n"
        + "      FROM (SELECT " + digestOf("key_digest") + " AS d FROM new_rows LIMIT " + overLimit + ") AS changed;\n"
        + "  END IF;\n"
        + "  IF n > " + limit + " THEN\n"
        + "    PERFORM pg_notify(TG_ARGV[0], TG_ARGV[1] || ' *');\n"
        + "  ELSIF n > 0 THEN\n"
        + "    PERFORM pg_notify(TG_ARGV[0], TG_ARGV[1] || ' ' || digests);\n"
        + "  END IF;\n"
        + "  RETURN NULL;\n"
        + "END $fn$";
  }

  /**
   * The SQL expression of the digest of the key whose row has the primary key {@code rowKey}, as
   * {@link KeyDigest#ofRowKey} works it out: a key shorter than a digest is its own row key, and notifications
   * name it by its digest, never by itself (anyone connected may LISTEN).
   */
  public static String digestOf(String rowKey) {
    return "CASE WHEN length(" + rowKey + ") < " + KeyDigest.LENGTH + " THEN sha256(" + rowKey + ") ELSE " + rowKey
        + " END";
  }

  /**
   * Whether someone near-caches the cache, asked by the provider's own write statements of many rows once per
   * statement (an uncorrelated sub-select, run as an InitPlan). It first takes the shared advisory lock
   * {@code (SILENT_WRITERS, cache)} until the end of the transaction, by which a node arming its near cache finds the
   * writers that may have asked before it held its lock (see {@code NearCacheLeases}); shared, so writers never wait
   * for each other. Then it tries to take {@code (NEAR_CACHERS, cache)} exclusively and at once gives it back: that
   * fails exactly while some node's LISTEN connection holds it shared, i.e. near-caches the cache (or, for a moment,
   * while another writer asks the same question: a failure only costs a notification). No table is read, so the
   * answer depends on no snapshot and holds under every isolation level. The try and the release sit in one CASE,
   * evaluated in that order with nothing between them that could fail, so the session-level lock never outlives the
   * statement. Statements of one row ask the same inside their RETURNING clause instead ({@link #whenNearCached}).
   *
   * <p>Measured against reading a lease table from a PL/pgSQL function with a fresh snapshot (the way before): about
   * 8 µs less execution time per single-row upsert (19 µs down to 11 µs, {@code pg_stat_statements}).
   */
  public static String nearCached(int cacheId) {
    String nearCachers = NEAR_CACHERS + ", " + cacheId;
    return "(SELECT CASE WHEN pg_try_advisory_lock(" + nearCachers + ") THEN NOT pg_advisory_unlock(" + nearCachers
        + ") ELSE true END FROM pg_advisory_xact_lock_shared(" + SILENT_WRITERS + ", " + cacheId + "))";
  }

  /**
   * {@code then} where someone near-caches the cache, else null: {@link #nearCached}'s question asked with the row a
   * statement of one row changed, in the expression itself. CASE evaluates its branches in order: the first takes
   * the shared lock (its void result is never null), the second tries the exclusive one, the third gives it back.
   * Without the sub-select PostgreSQL runs no InitPlan and no function scan for it, which were about half of what
   * asking cost a single-row put: 4.4 µs of the server's 47.5 µs, of which a sub-select without the locks took 2.4
   * (pgbench, one client, CPU time of the server's processes per transaction, PostgreSQL 18). A statement that
   * changes no row asks nothing, and has nothing to announce.
   */
  public static String whenNearCached(int cacheId, String then) {
    String nearCachers = NEAR_CACHERS + ", " + cacheId;
    return "CASE WHEN pg_advisory_xact_lock_shared(" + SILENT_WRITERS + ", " + cacheId + ") IS NULL THEN NULL"
        + " WHEN NOT pg_try_advisory_lock(" + nearCachers + ") THEN " + then
        + " WHEN pg_advisory_unlock(" + nearCachers + ") THEN NULL ELSE " + then + " END";
  }

  /**
   * True where nobody near-caches the cache, else false: {@link #whenNearCached}'s question, asked without a sub-select,
   * as the condition of a statement that writes only if nobody does (see {@code CacheTable#put}).
   */
  static String nobodyNearCaches(int cacheId) {
    return "(" + whenNearCached(cacheId, "true") + ") IS NULL";
  }

  /**
   * Run on a node's LISTEN connection: from now on it near-caches the cache, and writes to it notify. It waits only
   * for writers inside {@link #nearCached}'s try, which gives the lock back at once.
   */
  static String holdNearCached(int cacheId) {
    return "SELECT pg_advisory_lock_shared(" + NEAR_CACHERS + ", " + cacheId + ")";
  }

  /** Run on a node's LISTEN connection: it no longer near-caches the cache. */
  static String releaseNearCached(int cacheId) {
    return "SELECT pg_advisory_unlock_shared(" + NEAR_CACHERS + ", " + cacheId + ")";
  }

  /**
   * The transactions of this database holding {@code (SILENT_WRITERS, cache)} now, for an array of cache ids (an
   * {@code advisory} lock taken with two ints shows them as {@code classid}, {@code objid} and objsubid 2).
   */
  static String silentWriters() {
    return "SELECT DISTINCT virtualtransaction FROM pg_locks WHERE locktype = 'advisory'"
        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        + " AND classid = " + Integer.toUnsignedLong(SILENT_WRITERS) + "::bigint::oid"
        + " AND objsubid = 2 AND granted AND objid::bigint = ANY (?::bigint[])";
  }

  /** Which of an array of transactions still hold {@code (SILENT_WRITERS, cache)} for an array of cache ids. */
  static String silentWritersLeft() {
    return silentWriters() + " AND virtualtransaction = ANY (?::text[])";
  }

  /**
   * Exact expiry figures of one cache table, for {@link #createStatsView}: how many rows have expired and wait for
   * the sweeper, and the next expiry to come. Both read only the partial index on {@code expires_at}, so they cost
   * in proportion to the expired rows (which the sweeper keeps few), not to the table. "Now" is the server's clock.
   * The table arrives as a {@code regclass}, whose text form is quoted by PostgreSQL itself.
   */
  static String createExpiryStatsFunction(String schema) {
    return "CREATE OR REPLACE FUNCTION " + qualified(schema, "cache_expiry_stats") + "(cache_table regclass,"
        + " OUT expired_entries bigint, OUT next_expiry timestamptz) LANGUAGE plpgsql STABLE AS $fn$\n"
        + "DECLARE now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint; next_ms bigint;\n"
        + "BEGIN\n"
        + "  IF cache_table IS NULL THEN RETURN; END IF;\n"
        + "  EXECUTE format('SELECT count(*) FROM %s WHERE expires_at <= $1', cache_table)"
        + " INTO expired_entries USING now_ms;\n"
        + "  EXECUTE format('SELECT min(expires_at) FROM %s WHERE expires_at > $1', cache_table)"
        + " INTO next_ms USING now_ms;\n"
        + "  next_expiry := to_timestamp(next_ms / 1000.0);\n"
        + "END $fn$";
  }

  /**
   * The view {@code <schema>.cache_stats}: one row per registered cache, read from PostgreSQL's catalog and
   * cumulative statistics, so it shows the whole cluster's caches whichever node wrote them. Entry counts are
   * estimates (a full count would scan every table); sizes are exact; expiry figures come from
   * {@link #createExpiryStatsFunction}. A table an operator dropped shows NULL figures.
   */
  static String createStatsView(String schema) {
    return "CREATE OR REPLACE VIEW " + qualified(schema, "cache_stats") + " AS"
        + " SELECT c.name AS cache_name, format('%I.%I', n.nspname, c.table_name) AS table_name, c.unlogged,"
        + " c.created_at, pg_stat_get_live_tuples(t.oid) AS entries_estimate,"
        + " e.expired_entries, e.next_expiry,"
        + " pg_total_relation_size(t.oid) AS total_bytes,"
        + " pg_relation_size(t.oid) AS table_bytes,"
        + " pg_indexes_size(t.oid) AS index_bytes,"
        + " pg_total_relation_size(t.oid) - pg_relation_size(t.oid) - pg_indexes_size(t.oid) AS toast_bytes,"
        + " pg_stat_get_tuples_inserted(t.oid) + pg_stat_get_tuples_updated(t.oid)"
        + " + pg_stat_get_tuples_deleted(t.oid) AS writes,"
        + " greatest(pg_stat_get_last_vacuum_time(t.oid), pg_stat_get_last_autovacuum_time(t.oid)) AS last_vacuum"
        + " FROM " + qualified(schema, "caches") + " c"
        // The cache tables live in the registry's own schema, found through the registry row's tableoid, so that
        // the schema's name never has to be written into the view as a literal.
        + " JOIN pg_class r ON r.oid = c.tableoid"
        + " JOIN pg_namespace n ON n.oid = r.relnamespace"
        + " LEFT JOIN pg_class t ON t.relname = c.table_name AND t.relnamespace = r.relnamespace"
        + " LEFT JOIN LATERAL " + qualified(schema, "cache_expiry_stats") + "(t.oid::regclass) e ON true";
  }

  /**
   * The four statement triggers that notify every change of one cache table by any other writer (psql, an
   * application's own SQL). They do not run for the provider's own statements, which notify by themselves: the
   * condition is checked before the function is called, so those statements pay for neither the PL/pgSQL call nor
   * the transition tables' reading. They exist only once some node near-caches the cache (see
   * {@link Registry#announceOtherWriters}): even skipped, they cost each statement on the table about as much as
   * the rest of its execution (PostgreSQL reads every WHEN condition from its stored form and sets up the
   * transition tables for each statement).
   */
  public static List<String> createNotifyTriggers(String schema, String table, String channel, int cacheId) {
    String t = qualified(schema, table);
    String call = " EXECUTE FUNCTION " + qualified(schema, NOTIFY_FUNCTION) + "("
        + literal(channel) + ", " + literal(String.valueOf(cacheId)) + ")";
    String unlessNotified = " FOR EACH STATEMENT WHEN (NOT coalesce(" + NOTIFIED + ", false))" + call;
    return List.of(
        "CREATE OR REPLACE TRIGGER notify_insert AFTER INSERT ON " + t + " REFERENCING NEW TABLE AS new_rows"
            + unlessNotified,
        "CREATE OR REPLACE TRIGGER notify_update AFTER UPDATE ON " + t
            + " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows" + unlessNotified,
        "CREATE OR REPLACE TRIGGER notify_delete AFTER DELETE ON " + t + " REFERENCING OLD TABLE AS old_rows"
            + unlessNotified,
        "CREATE OR REPLACE TRIGGER notify_truncate AFTER TRUNCATE ON " + t + " FOR EACH STATEMENT" + call);
  }

  /**
   * The function of the event trigger that announces an operator's {@code DROP TABLE} of a cache table (DROP fires
   * no table trigger): "anything in this cache may have changed", so that every node stops serving its copies.
   * The cache tables are found in the registry's own schema through the registry row's {@code tableoid}. It must
   * never break the operator's DDL: a failure (the registry dropped in the same command, say) is swallowed.
   */
  static String createDroppedTableFunction(String schema, String channel) {
    return "CREATE OR REPLACE FUNCTION " + qualified(schema, "notify_dropped_table") + "() RETURNS event_trigger"
        + " LANGUAGE plpgsql AS $fn$\n"
        + "BEGIN\n"
        + "  PERFORM pg_notify(" + literal(channel) + ", c.id || ' *')\n"
        + "    FROM pg_event_trigger_dropped_objects() d\n"
        + "    JOIN " + qualified(schema, "caches") + " c ON d.object_type = 'table' AND d.object_name = c.table_name\n"
        + "    JOIN pg_class r ON r.oid = c.tableoid\n"
        + "    JOIN pg_namespace n ON n.oid = r.relnamespace AND n.nspname = d.schema_name;\n"
        + "EXCEPTION WHEN OTHERS THEN\n"
        + "  RETURN;\n"
        + "END $fn$";
  }

  /** The names of the triggers of {@link #createNotifyTriggers}. */
  static final List<String> NOTIFY_TRIGGERS = List.of("notify_insert", "notify_update", "notify_delete",
      "notify_truncate");

  /**
   * The caches, among an array of ids, whose table lacks any of the notify triggers: their id and table name. A table
   * that is gone (dropped by hand) is left out.
   */
  static String unannouncedTables(String schema) {
    return "SELECT c.id, c.table_name FROM " + qualified(schema, "caches") + " c"
        + " JOIN pg_class t ON t.relname = c.table_name AND t.relnamespace = (SELECT r.relnamespace FROM pg_class r"
        + " WHERE r.oid = c.tableoid)"
        + " WHERE c.id = ANY (?) AND (SELECT count(*) FROM pg_trigger g WHERE g.tgrelid = t.oid"
        + " AND g.tgname = ANY (?)) < " + NOTIFY_TRIGGERS.size();
  }

  /** Bounds how long the statements of the current transaction wait for a lock. */
  static String setLocalLockTimeout(Duration timeout) {
    return "SET LOCAL lock_timeout = " + timeout.toMillis();
  }

  /**
   * Whether a table, named by its quoted qualified name as a parameter, has any of the notify triggers; false when
   * there is no such table.
   */
  static String hasNotifyTriggers() {
    return "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname IN ("
        + NOTIFY_TRIGGERS.stream().map(Sql::literal).collect(Collectors.joining(", ")) + "))";
  }

  /** Whether the event trigger of a schema exists; the parameter is its name. */
  static String findEventTrigger() {
    return "SELECT 1 FROM pg_event_trigger WHERE evtname = ?";
  }

  /**
   * The event trigger (database-wide, one per schema) that runs {@link #createDroppedTableFunction}. Creating one
   * needs a superuser; without, nodes notice a dropped table at their next sweep instead.
   */
  static String createDroppedTableTrigger(String schema, String triggerName) {
    return "CREATE EVENT TRIGGER " + quote(triggerName) + " ON sql_drop WHEN TAG IN ('DROP TABLE')"
        + " EXECUTE FUNCTION " + qualified(schema, "notify_dropped_table") + "()";
  }

  /** A string literal; only for text we generate (channel names, numbers), never for user input. */
  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  static String ddlLock() {
    return "SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")";
  }

  static String findCache(String schema) {
    return "SELECT id, table_name, key_type, value_type, unlogged, expiry, store_by_value, codec, verbatim_short_keys"
        + " FROM "
        + qualified(schema, "caches")
        + " WHERE name = ?";
  }

  static String cacheNames(String schema) {
    return "SELECT name FROM " + qualified(schema, "caches") + " ORDER BY name";
  }

  static String registerCache(String schema) {
    return "INSERT INTO " + qualified(schema, "caches")
        + " (name, table_name, key_type, value_type, unlogged, expiry, store_by_value, codec, verbatim_short_keys)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
  }

  static String unregisterCache(String schema) {
    return "DELETE FROM " + qualified(schema, "caches") + " WHERE name = ? RETURNING id, table_name";
  }

  /**
   * "Anything in this cache may have changed", sent when its table is dropped: DROP fires no trigger, and
   * nodes that still have the cache open must stop serving their copies.
   */
  static String notifyCacheChanged() {
    return "SELECT pg_notify(?, ? || ' *')";
  }

  /** One notification per payload of a text array, all on one channel: entry events for other nodes. */
  static String notifyEach() {
    return "SELECT pg_notify(?, payload) FROM unnest(?::text[]) AS payload";
  }

  /** @param valueColumn the type of {@code value_bytes}, which keeps its name whatever it holds */
  static String createCacheTable(String schema, String table, boolean unlogged, ValueColumn valueColumn) {
    // fillfactor leaves room in each page so that value updates are HOT (no index write) when
    // expires_at does not change; autovacuum runs early because a cache churns.
    // key_digest holds a key's row key (CacheTable#rowKey), a digest only for long keys; the name is older.
    return "CREATE " + (unlogged ? "UNLOGGED " : "") + "TABLE IF NOT EXISTS " + qualified(schema, table) + " ("
        + " key_digest bytea PRIMARY KEY,"
        + " key_bytes bytea NOT NULL,"
        + " value_bytes " + valueColumn.sqlType() + " NOT NULL,"
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

  /**
   * The statements of one cache table, built once per opened cache.
   *
   * <p>Every statement that changes rows sends its own notification, in the same statement: {@code "<cache id>
   * <digest> ..."} naming each changed key, {@value #KEYS_PER_PAYLOAD} keys per notification, in exactly the form the
   * triggers write. Built for the provider's own transactions, it does so only while some node near-caches the
   * cache ({@link #nearCached}, {@link #whenNearCached}); built for a caller's transaction, always. It also sets
   * {@link #NOTIFIED_SETTING} for its transaction, which the triggers check before doing
   * anything: no PL/pgSQL call and no transition tables for the provider's own writes, while every other writer is
   * still announced by the triggers. The setting lasts until the transaction ends, so in a transaction where one
   * statement set it every later change must notify by itself; all of this class's writes do. {@link #clear} and
   * {@link #deleteAll} announce "anything may have changed" ({@code "<cache id> *"}) whenever they removed a row,
   * near-cached or not: the triggers send the same when the setting is off, and PostgreSQL delivers identical
   * notifications of one transaction once. The silent forms ({@link #putSilent}, {@link #upsertManySilent}) instead
   * write only where nobody near-caches, and have nothing to announce; they set the setting only where the table has
   * triggers.
   */
  static final class Table {
    final String select;
    final String selectForUpdate;
    final String selectExpiry;
    final String selectMany;
    final String lockKey;
    final String upsert;
    final String claim;
    final String unclaim;
    final String putOne;
    final String putOneReturning;
    /**
     * A put that writes only while nobody near-caches the cache, and then announces nothing and returns no row; null
     * in a caller's transaction and where plain writes take key locks. The same with the setting that keeps the notify
     * triggers quiet, for a table that has them.
     */
    final String putSilent;
    final String putSilentFlagged;
    final String upsertMany;
    final String upsertManyEach;
    /**
     * {@link #upsertManyEach} for while nobody near-caches the cache, as {@link #putSilent} is {@link #putOne}'s:
     * without key locks only, and with the setting for a table that has the notify triggers.
     */
    final String upsertManySilent;
    final String upsertManySilentFlagged;
    /** Null where plain writes take no key locks: {@link #upsertManyEach} then serves every size. */
    final String upsertManyLockedFirst;
    final String delete;
    final String deleteOne;
    final String deleteMany;
    final String touch;
    final String touchIfLive;
    final String deleteAll;
    final String clear;
    final String page;
    final String sweep;
    final String count;

    /**
     * @param valueColumn    the type of the table's value column, which arrays of values are cast to
     * @param alwaysAnnounce whether every change notifies (writes in a caller's transaction), rather than only
     *                       while some node near-caches the cache
     * @param keyLocks       whether plain writes ({@link #putOne}, {@link #upsertMany}, {@link #upsertManyEach},
     *                       {@link #deleteOne}, {@link #deleteMany}) take their keys' advisory locks, as nodes of
     *                       earlier versions expect (see {@code CacheTable#locksKeysOnPlainWrites}); without, the
     *                       statements take their parameters without the lock keys
     */
    Table(String schema, String table, int cacheId, ValueColumn valueColumn, boolean alwaysAnnounce,
        boolean keyLocks) {
      String t = qualified(schema, table);
      Announcement notify = new Announcement(literal(Identifiers.channel(schema)), literal(cacheId + " "),
          alwaysAnnounce ? null : cacheId);
      String sequence = qualified(schema, "entry_version");
      String version = "nextval('" + sequence.replace("'", "''") + "')";
      String flag = "set_config('" + NOTIFIED_SETTING + "', 'on', true)";
      select = "SELECT value_bytes, expires_at FROM " + t + " WHERE key_digest = ?";
      // A read-modify-write locks the row it read, so that a plain write, which may take no advisory lock, waits for
      // its commit rather than being overwritten by a value worked out from the row before it.
      selectForUpdate = select + " FOR UPDATE";
      selectExpiry = "SELECT expires_at FROM " + t + " WHERE key_digest = ?";
      selectMany = "SELECT key_digest, value_bytes, expires_at FROM " + t + " WHERE key_digest = ANY (?)";
      // The backend's process id tells this node which notification announces its own commit.
      lockKey = "SELECT pg_backend_pid() FROM pg_advisory_xact_lock(?, ?), " + flag;
      String insert = "INSERT INTO " + t + " AS e (key_digest, key_bytes, value_bytes, expires_at, version)";
      // Inside a transaction that already holds the key's advisory lock: plain upsert.
      String flagged = " FROM (SELECT " + flag + ") AS flag";
      // The same, joined to the rows of a multi-row statement.
      String flagJoined = ", (SELECT " + flag + ") AS flag";
      upsert = insert + " SELECT ?, ?, ?, ?, " + version + flagged
          + " ON CONFLICT (key_digest) DO UPDATE SET value_bytes = EXCLUDED.value_bytes,"
          + " expires_at = EXCLUDED.expires_at, version = EXCLUDED.version" + notify.each("e.key_digest", "");
      // A read-modify-write that found no row and may create the entry claims the key with a row of its own, expired
      // and empty, so that plain puts of the key wait for its transaction as for the lock of an existing row (see
      // LockedEntry#run). No other transaction ever sees that row: the work's value replaces it (upsert) or it is
      // deleted (unclaim) before the transaction ends, so neither statement announces anything. No row comes back when
      // a plain write created the key meanwhile (the statement waits for its commit). Version 0 marks it: every write
      // draws a version from the sequence, which starts at 1.
      claim = insert + " SELECT ?, ?, " + valueColumn.placeholder() + ", 0, 0" + flagged
          + " ON CONFLICT (key_digest) DO NOTHING RETURNING 1";
      unclaim = "DELETE FROM " + t + " WHERE key_digest = ? AND version = 0";
      // One statement, one round trip: with key locks, takes the key's advisory lock first (as a read-modify-write
      // of a node of an earlier version expects), then inserts or updates. A row that has expired is treated as
      // absent: it gets the creation expiry. Otherwise the update expiry, or the row's own expiry when the policy
      // leaves it unchanged.
      String onConflict = " ON CONFLICT (key_digest) DO UPDATE SET value_bytes = EXCLUDED.value_bytes,"
          + " expires_at = CASE WHEN e.expires_at <= ? THEN EXCLUDED.expires_at"
          + " WHEN ? THEN e.expires_at ELSE ?::bigint END,"
          + " version = EXCLUDED.version";
      // The lock and the setting are selected by a sub-select rather than called as functions in FROM, which
      // PostgreSQL would run as function scans, each with a result store of its own (about 1 us of a 12 us
      // execution, pgbench).
      String putInsert = insert + " SELECT ?, ?, ?, ?, " + version
          + (keyLocks ? " FROM (SELECT pg_advisory_xact_lock(?, ?), " + flag + ") AS locked" : flagged) + onConflict;
      putOne = putInsert + notify.each("e.key_digest", "");
      putOneReturning = putInsert + notify.each("e.key_digest", "e.expires_at, pg_backend_pid(), ");
      // Without the setting, the returned row and the notification's expression, the statement cost the server 60 µs
      // per put against 70 µs for putOne and 57 µs for the plain table's upsert; with the setting, 67 µs (pgbench,
      // 4 clients, PostgreSQL 15, CPU time of the server's processes per transaction, medians of 5 rounds taking
      // turns). The setting alone is 5 to 7 µs of that, so it is left out where the table has no triggers.
      boolean silentForm = !alwaysAnnounce && !keyLocks;
      String silentRow = insert + " SELECT ?, ?, ?, ?, " + version;
      String ifNobodyNearCaches = " WHERE " + nobodyNearCaches(cacheId) + onConflict;
      putSilent = silentForm ? silentRow + ifNobodyNearCaches : null;
      putSilentFlagged = silentForm ? silentRow + flagged + ifNobodyNearCaches : null;
      // Many keys: with key locks, their advisory locks first, in the order given (callers sort them, so that two
      // such statements never wait for each other crosswise), then one multi-row statement and one notification per
      // KEYS_PER_PAYLOAD keys. The locks' sub-select is a one-time filter, evaluated before the first row is written.
      // Without key locks, the rows come sorted by row key, and their row locks are taken in that order for the same
      // reason. All rows take one version, drawn once (an InitPlan): versions need only change on every write, and a
      // draw per row cost about 0.15 us of execution per row (pgbench, 100-row upserts).
      String rows = " FROM unnest(?::bytea[], ?::bytea[], ?::" + valueColumn.sqlType() + "[]) AS r(d, k, v)";
      String manyInsert = insert + " SELECT r.d, r.k, r.v, ?, (SELECT " + version + ")";
      String locks = "WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(?, l), " + flag
          + " FROM unnest(?::int[]) AS l), ";
      String afterLocks = " (SELECT count(*) FROM locked) >= 0";
      // Every row of an upsert changes, so the caller names the keys itself (see #payloads): working out their
      // digests' text here (numbering, grouping, base64, SHA-256 of short keys) took about 25 us of a 185 us 15-row
      // statement (pgbench, one client, PostgreSQL 15), time that a batch in flight holds up the next one for. The
      // unreferenced data-modifying CTE runs all the same, to the end, as PostgreSQL runs every such CTE.
      upsertMany = keyLocks
          ? locks + "changed AS (" + manyInsert + rows + " WHERE" + afterLocks + onConflict + ")" + notify.given()
          : "WITH changed AS (" + manyInsert + rows + flagJoined + onConflict + ")" + notify.given();
      // The same without the CTEs, for batches when the last batch found nobody near-caching (see
      // CacheTable#putMany): each changed key gets a notification of its own should someone near-cache after all.
      // With key locks, for a few rows: each row takes its key's lock just before it is written (rows come sorted by
      // lock key, so locks are still taken in ascending order). Without the materialised locks, the window and the
      // grouping, it did 10 % more rows per second than the form above at 2, 4 and 16 rows per statement (pgbench,
      // 4 clients, PostgreSQL 15).
      upsertManyEach = keyLocks
          ? manyInsert + " FROM unnest(?::int[], ?::bytea[], ?::bytea[], ?::" + valueColumn.sqlType()
              + "[]) AS r(l, d, k, v), (SELECT " + flag + ") AS flag WHERE pg_advisory_xact_lock(?, r.l) IS NOT NULL"
              + onConflict + notify.eachOfMany("e.key_digest")
          : manyInsert + rows + flagJoined + onConflict + notify.eachOfMany("e.key_digest");
      // The question as a one-time filter, asked before any row is read; no row is written where someone near-caches.
      String manyIfNobodyNearCaches = " WHERE NOT " + nearCached(cacheId) + onConflict;
      upsertManySilent = silentForm ? manyInsert + rows + manyIfNobodyNearCaches : null;
      upsertManySilentFlagged = silentForm ? manyInsert + rows + flagJoined + manyIfNobodyNearCaches : null;
      // With key locks, the same for larger batches: the sorted locks are all taken first, by a one-time filter, so
      // the rows go in the order given (see CacheTable#MAX_ROWS_LOCKED_ONE_BY_ONE). Without the CTEs it did 3 to 6 %
      // more rows per second than the grouped form at 100 rows (pgbench, 1 and 4 clients, PostgreSQL 15).
      upsertManyLockedFirst = !keyLocks ? null : manyInsert + rows + flagJoined
          + " WHERE (SELECT count(pg_advisory_xact_lock(?, l)) FROM unnest(?::int[]) AS l) >= 0" + onConflict
          + notify.eachOfMany("e.key_digest");
      delete = "DELETE FROM " + t + " USING " + flag + " AS flag WHERE key_digest = ?"
          + notify.each("key_digest", "expires_at, ");
      deleteOne = !keyLocks ? delete : "DELETE FROM " + t + " USING pg_advisory_xact_lock(?, ?) AS lock, " + flag
          + " AS flag WHERE key_digest = ?" + notify.each("key_digest", "expires_at, ");
      // The removed keys and their expiry, then one row (of nulls) per notification sent. Without key locks, the rows
      // are locked in row key order first (an InitPlan), as the upserts lock theirs: a DELETE alone takes them in the
      // order its scan finds them, in the order of the table's pages for a sequential or bitmap scan, which
      // PostgreSQL chose for 1,000 of 10,000 keys. The keys go into the DELETE as an array, which it finds through the
      // primary key; written as IN or as a join instead, PostgreSQL read the whole table for a hash join, for 100 keys.
      String removed = keyLocks
          ? locks + "changed AS (DELETE FROM " + t + " WHERE key_digest = ANY (?) AND" + afterLocks
          : "WITH changed AS (DELETE FROM " + t + " USING " + flag + " AS flag WHERE key_digest = ANY (ARRAY(SELECT"
              + " key_digest FROM " + t + " WHERE key_digest = ANY (?) ORDER BY key_digest FOR UPDATE))";
      deleteMany = removed + " RETURNING key_digest, expires_at)"
          + " SELECT key_digest, expires_at FROM changed UNION ALL SELECT NULL, NULL FROM ("
          + notify.grouped("changed") + ") AS notified";
      touch = "UPDATE " + t + " SET expires_at = ? FROM " + flag + " AS flag WHERE key_digest = ?"
          + notify.each("key_digest", "");
      touchIfLive = "UPDATE " + t + " SET expires_at = ? FROM " + flag + " AS flag"
          + " WHERE key_digest = ? AND (expires_at IS NULL OR expires_at > ?)"
          + notify.each("key_digest", "value_bytes, ");
      deleteAll = "WITH d AS (DELETE FROM " + t + " RETURNING expires_at)"
          + " SELECT count(*) FILTER (WHERE expires_at IS NULL OR expires_at > ?), " + notify.anythingIfAny()
          + " FROM d";
      clear = "WITH d AS (DELETE FROM " + t + " RETURNING 1) SELECT " + notify.anythingIfAny() + " FROM d";
      page = "SELECT key_digest, key_bytes, value_bytes, expires_at FROM " + t
          + " WHERE key_digest > ? ORDER BY key_digest LIMIT ?";
      // SKIP LOCKED: several nodes sweep the same table without waiting for each other. The removed rows, then one
      // row (of nulls) per notification sent.
      sweep = "WITH changed AS (DELETE FROM " + t + " USING " + flag + " AS flag WHERE key_digest IN"
          + " (SELECT key_digest FROM " + t + " WHERE expires_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED)"
          + " RETURNING key_digest, key_bytes, value_bytes)"
          + " SELECT key_digest, key_bytes, value_bytes FROM changed UNION ALL SELECT NULL, NULL, NULL FROM ("
          + notify.grouped("changed") + ") AS notified";
      count = "SELECT count(*) FROM " + t + " WHERE expires_at IS NULL OR expires_at > ?";
    }
  }

  /**
   * The notification part of a statement that announces its own changes on a cache's channel.
   *
   * <p>With a {@code nearCachedOf} cache id, it notifies only while someone near-caches that cache: a statement of
   * many rows asks once ({@link #nearCached} as an uncorrelated scalar sub-select, which PostgreSQL runs as an
   * InitPlan), a statement of one row with its row ({@link #whenNearCached}). When it is asked does not matter to
   * {@code NearCacheLeases}, which waits for every transaction that answered it.
   *
   * @param nearCachedOf null to notify always
   */
  private record Announcement(String channel, String prefix, Integer nearCachedOf) {
    /**
     * The RETURNING clause of a statement changing at most one row: {@code columns} of the changed row together with
     * the notification naming its key (the column {@code key}). In RETURNING rather than a query over the statement
     * as a CTE, which cost a result store and a scan of it (about 1 us of a 12 us upsert, pgbench).
     */
    String each(String key, String columns) {
      String notify = notifyOne(key);
      return " RETURNING " + columns + (nearCachedOf == null ? notify : whenNearCached(nearCachedOf, notify));
    }

    /**
     * The RETURNING clause of a statement changing many rows one by one, each with a notification naming its key;
     * the question is asked once for the statement: asked with each row, it would take two more lock operations per
     * row.
     */
    String eachOfMany(String key) {
      String notify = notifyOne(key);
      return " RETURNING " + (nearCachedOf == null ? notify : "CASE WHEN " + condition() + " THEN " + notify + " END");
    }

    private String notifyOne(String key) {
      return "pg_notify(" + channel + ", " + prefix + " || encode(" + digestOf(key) + ", 'base64'))";
    }

    /** The sub-select asking whether someone near-caches, once per statement. */
    private String condition() {
      return nearCached(nearCachedOf);
    }

    /**
     * One notification per {@link #KEYS_PER_PAYLOAD} changed keys, one row each; no row when nothing changed or
     * the condition fails. The condition filters the rows instead of wrapping the notification (a one-time filter,
     * asked before the changed rows are read): wrapped, every key was still numbered, encoded and aggregated only to
     * be thrown away, which took about 10 % of a 100-row upsert while nobody near-caches (pgbench, PostgreSQL 15).
     */
    String grouped(String changed) {
      String digests = "string_agg(encode(" + digestOf("key_digest") + ", 'base64'), ' ')";
      return " SELECT pg_notify(" + channel + ", " + prefix + " || " + digests + ")"
          + " FROM (SELECT key_digest, (row_number() OVER () - 1) / " + KEYS_PER_PAYLOAD + " AS part FROM " + changed
          + ") AS numbered" + (nearCachedOf == null ? "" : " WHERE " + condition()) + " GROUP BY part";
    }

    /** One notification per payload of a text array parameter ({@link Sql#payloads}); none when the condition fails. */
    String given() {
      return " SELECT pg_notify(" + channel + ", payload) FROM unnest(?::text[]) AS payload"
          + (nearCachedOf == null ? "" : " WHERE " + condition());
    }

    /** In a query aggregating the removed rows: "anything may have changed", when any row was removed. */
    String anythingIfAny() {
      return "CASE WHEN count(*) > 0 THEN pg_notify(" + channel + ", " + prefix + " || '*') END";
    }
  }
}
