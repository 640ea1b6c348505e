package io.pgjcache.internal.store;

import io.pgjcache.internal.codec.DigestKey;
import io.pgjcache.internal.codec.EncodedKey;
import io.pgjcache.internal.codec.KeyDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The SQL operations on one cache table. Each method is one statement, so one round trip; the caller
 * chooses whether it runs alone (auto-commit) or inside a transaction holding the key's lock.
 *
 * <p>A row's primary key, {@code key_digest}, is its key's {@linkplain #rowKey row key}: in tables made by this
 * version the key's encoding itself when shorter than a digest, else its SHA-256 digest.
 *
 * <p>Read-modify-writes of a key are serialised by a transaction-scoped advisory lock on (cache id, key hash), which
 * they take first with {@link #lock}; it also covers keys that have no row yet. They then lock the row itself
 * ({@link #readForUpdate}), or, when they may create the entry, {@link #claim} a key without one, and the plain writes
 * wait for that: those take the advisory lock only in caches of earlier versions' form (see
 * {@link #locksKeysOnPlainWrites}). One that cannot create the entry takes effect as of its read for a key without a
 * row.
 *
 * <p>Every write announces the keys it changed in the same statement (see {@link Sql.Table}) while some node
 * near-caches the cache, and always in a caller's transaction ({@link #inCallersTransaction}); {@link #clear} and
 * {@link #deleteAll} announce that anything may have changed.
 */
public final class CacheTable {
  /**
   * In a cache whose plain writes take key locks, most rows an ungrouped {@link #putMany} locks one by one, in the
   * order of their locks, which is also the order in which it inserts them. More go in the order given, locked all at
   * once first: a table loaded with large putAll calls keeps the caller's order on disk, as a hand-written table
   * would. Loaded in lock order (a hash), its rows of hot keys lay scattered over the whole table, and getAll of 100
   * Zipf keys at one thread fell from 0.78 to 0.68 of the plain table (load driver, two runs each). Row by row did 7 %
   * more rows per second than locks first at 4 rows and 5 % at 16 (pgbench, 4 clients, medians of 5), about the same
   * at 100.
   */
  static final int MAX_ROWS_LOCKED_ONE_BY_ONE = 32;

  private final int cacheId;
  private final boolean verbatimShortKeys;
  private final String qualifiedName;
  private final Sql.Table sql;
  private final ValueColumn valueColumn;
  /** Whether the table has its notify triggers, for the statements that write only while nobody near-caches. */
  private final TriggerPresence triggers;
  /** The same table for writes in a caller's transaction, which always notify; this one if it is that already. */
  private final CacheTable inCallersTransaction;

  /**
   * @param valueColumn       the type of the table's value column, which decides how values are bound
   * @param verbatimShortKeys whether keys shorter than a digest are their own row keys (see {@link #rowKey})
   */
  public CacheTable(int cacheId, String schema, String tableName, ValueColumn valueColumn,
      boolean verbatimShortKeys) {
    this(cacheId, schema, tableName, valueColumn, verbatimShortKeys, false);
  }

  private CacheTable(int cacheId, String schema, String tableName, ValueColumn valueColumn, boolean verbatimShortKeys,
      boolean alwaysAnnounce) {
    this.cacheId = cacheId;
    this.verbatimShortKeys = verbatimShortKeys;
    this.valueColumn = Objects.requireNonNull(valueColumn, "valueColumn");
    this.qualifiedName = Identifiers.qualified(schema, tableName);
    this.sql = new Sql.Table(schema, tableName, cacheId, valueColumn, alwaysAnnounce, locksKeysOnPlainWrites());
    this.triggers = new TriggerPresence(qualifiedName);
    this.inCallersTransaction = alwaysAnnounce ? this
        : new CacheTable(cacheId, schema, tableName, valueColumn, verbatimShortKeys, true);
  }

  /**
   * The primary key of the key's row: in a table that keeps short keys verbatim, the key's unsigned encoding when it
   * is shorter than a digest, else the key's digest. Rows of keys that share a prefix (sequential ids, names with a
   * common head) are neighbours in the index, as in a table a user writes by hand, where digests scatter them. With
   * the load driver's key names, getAll of 100 Zipf keys went from 0.76–0.85 of the plain table to 0.99–1.14 (two runs
   * each way); for 100 consecutive keys pgbench read 14 % and wrote 24 % more entries per second than with digests.
   * Notifications still name digests ({@link KeyDigest#ofRowKey}, worked out by the statement), so keys never reach a
   * listener.
   */
  public byte[] rowKey(EncodedKey key) {
    return isOwnRowKey(key.unsigned()) ? key.unsigned() : key.digest();
  }

  /** {@link #rowKey(EncodedKey)} from a key's unsigned encoding alone. */
  public byte[] rowKey(byte[] unsignedKey) {
    return isOwnRowKey(unsignedKey) ? unsignedKey : KeyDigest.of(unsignedKey);
  }

  private boolean isOwnRowKey(byte[] unsignedKey) {
    return verbatimShortKeys && unsignedKey.length < KeyDigest.LENGTH;
  }

  /**
   * The same table, for work in a caller's transaction: its writes notify whether or not any node near-caches the
   * cache, and take no lock for asking. A caller's transaction may last long, and the lock that asking takes would
   * hold up every node arming its near cache until it ended; and this node's own near cache, which
   * {@linkplain io.pgjcache.internal.near.NearCache#hold holds} such keys until their announcement, must hear it.
   */
  public CacheTable inCallersTransaction() {
    return inCallersTransaction;
  }

  /**
   * Whether plain writes take their keys' advisory locks, so that the key's read-modify-writes need not
   * {@linkplain #claim claim} the key to keep them out. They need not where every read-modify-write locks the row
   * it reads, or claims the key with a row of its own when there is none and it may create the entry
   * ({@link #readForUpdate}, {@link #claim}), as this version's do: the plain writes then wait for it on the row, and
   * its read-modify-writes still serialise on the advisory lock among themselves. Nodes of earlier versions lock only
   * the key, so the writes to their caches keep taking it. Those are exactly the caches whose short keys are not their
   * own row keys, since no node of such a version can share a cache that is keyed otherwise. A {@code putAll} of 100
   * keys spent about a fifth of its execution on the locks (pgbench, PostgreSQL 15: 3,406 against 4,131 statements/s
   * at 4 clients).
   */
  public boolean locksKeysOnPlainWrites() {
    return !verbatimShortKeys;
  }

  /** The cache's registry id, which its notifications and key locks carry. */
  public int cacheId() {
    return cacheId;
  }

  /** The quoted, schema-qualified table name, for people and tools that want to look at it. */
  public String qualifiedName() {
    return qualifiedName;
  }

  /** The stored entry, expired or not, or null. */
  public StoredEntry read(Connection c, byte[] rowKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.select)) {
      ps.setBytes(1, rowKey);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new StoredEntry(rowKey, null, rs.getBytes(1), expiresAt(rs, 2)) : null;
      }
    }
  }

  /**
   * {@link #read} for a read-modify-write, which holds the key's advisory lock: also locks the row, if any, until the
   * transaction ends, so that plain writes of the key wait for it.
   */
  public StoredEntry readForUpdate(Connection c, byte[] rowKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.selectForUpdate)) {
      ps.setBytes(1, rowKey);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new StoredEntry(rowKey, null, rs.getBytes(1), expiresAt(rs, 2)) : null;
      }
    }
  }

  /** The expiry of the stored entry, or null when there is no row. */
  public Long readExpiry(Connection c, byte[] rowKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.selectExpiry)) {
      ps.setBytes(1, rowKey);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? expiresAt(rs, 1) : null;
      }
    }
  }

  /**
   * What a {@link #readAll} found, by the position of each row key in the array asked for: the stored value (expired
   * or not) and its expiry, or a null value where there is no row.
   */
  public record FoundRows(byte[][] values, long[] expiresAt) {
  }

  /** The stored entries of these row keys, each at its row key's position. */
  public FoundRows readAll(Connection c, byte[][] rowKeys) throws SQLException {
    FoundRows found = new FoundRows(new byte[rowKeys.length][], new long[rowKeys.length]);
    if (rowKeys.length == 0) {
      return found;
    }
    RowKeyPositions positions = new RowKeyPositions(rowKeys);
    Array array = c.createArrayOf("bytea", rowKeys);
    try (PreparedStatement ps = c.prepareStatement(sql.selectMany)) {
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int position = positions.positionOf(rs.getBytes(1));
          if (position >= 0) {
            found.values[position] = rs.getBytes(2);
            found.expiresAt[position] = expiresAt(rs, 3);
          }
        }
      }
    } finally {
      array.free();
    }
    for (int position = 0; position < rowKeys.length; position++) {
      int first = positions.firstSameAs(position);
      if (first != position) {
        found.values[position] = found.values[first];
        found.expiresAt[position] = found.expiresAt[first];
      }
    }
    return found;
  }

  /**
   * Takes the key's write lock until the end of the current transaction; returns the process id of the
   * backend that runs the transaction, which is the sender of the notification its commit causes.
   */
  public int lock(Connection c, EncodedKey key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.lockKey)) {
      ps.setInt(1, cacheId);
      ps.setInt(2, KeyDigest.lockKey(key.digest()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * Writes the row that {@link #readForUpdate} locked or {@link #claim} inserted, in a transaction that holds the
   * key's lock.
   */
  public void write(Connection c, EncodedKey key, byte[] valueBytes, long expiresAt) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.upsert)) {
      bindWrite(ps, key, valueBytes, expiresAt);
      ps.execute();
    }
  }

  /**
   * Claims a key that {@link #readForUpdate} found without a row, in a transaction that holds the key's lock: inserts
   * a row of its own that no other transaction sees, so that plain puts of the key wait for the transaction, until
   * {@link #write} replaces it or {@link #unclaim} deletes it. Returns false, having changed nothing, when a plain
   * write created the key meanwhile (after waiting for that write's commit).
   */
  public boolean claim(Connection c, EncodedKey key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.claim)) {
      ps.setBytes(1, rowKey(key));
      ps.setBytes(2, key.bytes());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Deletes the row a {@link #claim} inserted, which no write replaced; announces nothing, as no other transaction saw
   * it. Only the claimed row: a write on the same connection may have replaced it meanwhile.
   */
  public void unclaim(Connection c, byte[] rowKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.unclaim)) {
      ps.setBytes(1, rowKey);
      ps.execute();
    }
  }

  /**
   * Inserts or overwrites in one statement (which takes the key's lock itself where plain writes lock); returns
   * whether the statement sent a notification (it does while some node near-caches the cache).
   *
   * <p>With {@code nobodyNearCachedLast}, it first tries a statement that writes only while nobody near-caches the
   * cache, and that neither announces nor returns anything; where it wrote nothing, because someone does (or another
   * writer asked at the same moment), the announcing statement follows in a transaction of its own. Where the table
   * has no notify triggers, it also leaves out the setting that keeps them quiet. What it leaves out cost the server
   * about a seventh of the statement (see {@link Sql.Table#putSilent}).
   *
   * @param creationExpiry expiry if the key is absent or expired
   * @param updateExpiry   expiry if the key is present, or {@code keepExpiry} to leave it as it is
   * @param nobodyNearCachedLast whether the cache's last write found nobody near-caching it
   */
  public boolean put(Connection c, EncodedKey key, byte[] valueBytes, long creationExpiry, boolean keepExpiry,
      long updateExpiry, long now, boolean nobodyNearCachedLast) throws SQLException {
    if (nobodyNearCachedLast && sql.putSilent != null) {
      String silent = triggers.present(c) ? sql.putSilentFlagged : sql.putSilent;
      try (PreparedStatement ps = c.prepareStatement(silent)) {
        bindPut(ps, key, valueBytes, creationExpiry, keepExpiry, updateExpiry, now);
        if (ps.executeUpdate() > 0) {
          return false;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(sql.putOne)) {
      bindPut(ps, key, valueBytes, creationExpiry, keepExpiry, updateExpiry, now);
      return notified(ps);
    }
  }

  /**
   * Whether a statement whose rows each carry the result of a possible {@code pg_notify} (void when it was sent,
   * null when not) sent any. One that did found someone near-caching the cache, who gave the table its triggers first.
   */
  private boolean notified(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (rs.getString(1) != null) {
          triggers.recheck();
          return true;
        }
      }
      return false;
    }
  }

  /** What a {@link #putReturning} stored: the entry's expiry and the process id of the backend that wrote it. */
  public record PutReceipt(long expiresAt, int backendPid) {
  }

  /** A {@link #put} that also says what it stored. */
  public PutReceipt putReturning(Connection c, EncodedKey key, byte[] valueBytes, long creationExpiry,
      boolean keepExpiry, long updateExpiry, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.putOneReturning)) {
      bindPut(ps, key, valueBytes, creationExpiry, keepExpiry, updateExpiry, now);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new PutReceipt(expiresAt(rs, 1), rs.getInt(2));
      }
    }
  }

  /** One row of a {@link #putMany}: a key and the bytes of its value. */
  public record PutRow(EncodedKey key, byte[] value) {
    public PutRow {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    int lockKey() {
      return KeyDigest.lockKey(key.digest());
    }
  }

  /**
   * Many {@link #put}s in one statement (which takes the rows' key locks itself where plain writes lock); no key
   * twice. Returns whether the statement sent a notification.
   *
   * @param grouped whether to announce the keys in one notification per {@value Sql#KEYS_PER_PAYLOAD} rather than
   *                one each: cheaper for the nodes that listen, dearer for the statement (see {@link Sql.Table}); for
   *                when the cache's last write notified. Batches of more than {@value Sql#KEYS_PER_PAYLOAD} rows are
   *                always grouped: should a node start near-caching while such a batch is under way, its keys are
   *                then named in a few notifications rather than one each.
   */
  public boolean putMany(Connection c, List<PutRow> rows, boolean grouped, long creationExpiry, boolean keepExpiry,
      long updateExpiry, long now) throws SQLException {
    boolean groupedForm = grouped || rows.size() > Sql.KEYS_PER_PAYLOAD;
    if (!locksKeysOnPlainWrites()) {
      // In row key order, the one order in which every statement locks rows (see Sql.Table#upsertMany), so that two
      // of them never wait for each other crosswise.
      List<PutRow> sorted = new ArrayList<>(rows);
      sorted.sort((a, b) -> Arrays.compareUnsigned(rowKey(a.key()), rowKey(b.key())));
      RowsBinding sortedRows = (ps, arrays) -> {
        setExpiresAt(ps, 1, creationExpiry);
        bindRows(c, ps, 2, sorted, arrays);
      };
      if (!groupedForm) {
        // As a put of one key does (see #put): first the statement that writes only while nobody near-caches. Every
        // row it is given changes, so no row changed means that it did not write.
        String silent = triggers.present(c) ? sql.upsertManySilentFlagged : sql.upsertManySilent;
        if (runUpsertMany(c, silent, sortedRows, 5, now, keepExpiry, updateExpiry, ps -> ps.executeUpdate() > 0)) {
          return false;
        }
        return runUpsertMany(c, sql.upsertManyEach, sortedRows, 5, now, keepExpiry, updateExpiry);
      }
      return runUpsertMany(c, sql.upsertMany, (ps, arrays) -> {
        sortedRows.bind(ps, arrays);
        ps.setArray(8, track(arrays, payloads(c, rows)));
      }, 5, now, keepExpiry, updateExpiry);
    }
    if (groupedForm) {
      // The keys' locks first, in ascending order, then the rows in the order given.
      return runUpsertMany(c, sql.upsertMany, (ps, arrays) -> {
        ps.setInt(1, cacheId);
        ps.setArray(2, track(arrays, lockArray(c, lockKeys(keys(rows)))));
        setExpiresAt(ps, 3, creationExpiry);
        bindRows(c, ps, 4, rows, arrays);
        ps.setArray(10, track(arrays, payloads(c, rows)));
      }, 7, now, keepExpiry, updateExpiry);
    }
    if (rows.size() > MAX_ROWS_LOCKED_ONE_BY_ONE) {
      // Every lock first, then the rows in the order given, each announced alone.
      return runUpsertMany(c, sql.upsertManyLockedFirst, (ps, arrays) -> {
        setExpiresAt(ps, 1, creationExpiry);
        bindRows(c, ps, 2, rows, arrays);
        ps.setInt(5, cacheId);
        ps.setArray(6, track(arrays, lockArray(c, lockKeys(keys(rows)))));
      }, 7, now, keepExpiry, updateExpiry);
    }
    // In the order of their locks, which the statement takes row by row.
    List<PutRow> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingInt(PutRow::lockKey));
    int[] locks = new int[sorted.size()];
    for (int i = 0; i < locks.length; i++) {
      locks[i] = sorted.get(i).lockKey();
    }
    return runUpsertMany(c, sql.upsertManyEach, (ps, arrays) -> {
      setExpiresAt(ps, 1, creationExpiry);
      ps.setArray(2, track(arrays, lockArray(c, locks)));
      bindRows(c, ps, 3, sorted, arrays);
      ps.setInt(6, cacheId);
    }, 7, now, keepExpiry, updateExpiry);
  }

  /** Binds the parameters of a multi-row upsert that precede its update's expiry rule; arrays go in the list. */
  @FunctionalInterface
  private interface RowsBinding {
    void bind(PreparedStatement ps, List<Array> arrays) throws SQLException;
  }

  /**
   * Runs a multi-row upsert: its own parameters, then the update's expiry rule from parameter {@code expiryRule} on.
   * Returns whether it sent a notification.
   */
  private boolean runUpsertMany(Connection c, String statement, RowsBinding binding, int expiryRule, long now,
      boolean keepExpiry, long updateExpiry) throws SQLException {
    return runUpsertMany(c, statement, binding, expiryRule, now, keepExpiry, updateExpiry, this::notified);
  }

  /** What a statement's execution says: whether it notified, or whether it wrote. */
  @FunctionalInterface
  private interface Outcome {
    boolean of(PreparedStatement executed) throws SQLException;
  }

  /** {@link #runUpsertMany} with the outcome the caller asks for. */
  private static boolean runUpsertMany(Connection c, String statement, RowsBinding binding, int expiryRule, long now,
      boolean keepExpiry, long updateExpiry, Outcome outcome) throws SQLException {
    List<Array> arrays = new ArrayList<>(4);
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      binding.bind(ps, arrays);
      bindUpdateExpiry(ps, expiryRule, now, keepExpiry, updateExpiry);
      return outcome.of(ps);
    } finally {
      free(arrays);
    }
  }

  /** The notifications of {@link Sql.Table#upsertMany}, naming every row's key. */
  private Array payloads(Connection c, List<PutRow> rows) throws SQLException {
    return c.createArrayOf("text", Sql.payloads(cacheId, rows.stream().map(row -> row.key().digest()).toList()));
  }

  private static List<EncodedKey> keys(List<PutRow> rows) {
    return rows.stream().map(PutRow::key).toList();
  }

  /** Binds the rows' row keys, stored keys and values as three arrays, from parameter {@code first} on. */
  private void bindRows(Connection c, PreparedStatement ps, int first, List<PutRow> rows, List<Array> arrays)
      throws SQLException {
    byte[][] rowKeys = new byte[rows.size()][];
    byte[][] keys = new byte[rows.size()][];
    byte[][] values = new byte[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      rowKeys[i] = rowKey(rows.get(i).key());
      keys[i] = rows.get(i).key().bytes();
      values[i] = rows.get(i).value();
    }
    ps.setArray(first, track(arrays, c.createArrayOf("bytea", rowKeys)));
    ps.setArray(first + 1, track(arrays, c.createArrayOf("bytea", keys)));
    ps.setArray(first + 2, track(arrays, valueColumn.array(c, values)));
  }

  /**
   * Deletes many keys in one statement, which takes the keys' advisory locks in ascending order where plain writes
   * lock, and otherwise locks the rows in row key order first (see {@link #putMany}); returns the expiry of each row
   * removed, by digest. Keys without a row are not in the result.
   */
  public Map<DigestKey, Long> deleteMany(Connection c, List<EncodedKey> toRemove) throws SQLException {
    Map<DigestKey, Long> removed = new HashMap<>();
    byte[][] rowKeys = toRemove.stream().map(this::rowKey).toArray(byte[][]::new);
    RowKeyPositions positions = new RowKeyPositions(rowKeys);
    List<Array> arrays = new ArrayList<>(2);
    try (PreparedStatement ps = c.prepareStatement(sql.deleteMany)) {
      int next = 1;
      if (locksKeysOnPlainWrites()) {
        ps.setInt(next++, cacheId);
        ps.setArray(next++, track(arrays, lockArray(c, lockKeys(toRemove))));
      }
      ps.setArray(next, track(arrays, c.createArrayOf("bytea", rowKeys)));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byte[] rowKey = rs.getBytes(1);
          int position = rowKey == null ? -1 : positions.positionOf(rowKey);
          if (position >= 0) {
            removed.put(toRemove.get(position).digestKey(), expiresAt(rs, 2));
          }
        }
      }
    } finally {
      free(arrays);
    }
    return removed;
  }

  /** The advisory lock keys of these keys in the one order every node takes them: ascending, each once. */
  static int[] lockKeys(List<EncodedKey> encodedKeys) {
    int[] keys = new int[encodedKeys.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = KeyDigest.lockKey(encodedKeys.get(i).digest());
    }
    Arrays.sort(keys);
    int distinct = 0;
    for (int i = 0; i < keys.length; i++) {
      if (i == 0 || keys[i] != keys[i - 1]) {
        keys[distinct++] = keys[i];
      }
    }
    return distinct == keys.length ? keys : Arrays.copyOf(keys, distinct);
  }

  private static Array lockArray(Connection c, int[] lockKeys) throws SQLException {
    // An Integer[], not the Object[] of boxed.toArray(): pgjdbc sends the former in binary and spells the latter out
    // as a text literal for the server to parse (with JFR, 6 of 78 samples of a putAll of 100 keys went to that).
    return c.createArrayOf("int4", IntStream.of(lockKeys).boxed().toArray(Integer[]::new));
  }

  private static Array track(List<Array> arrays, Array array) {
    arrays.add(array);
    return array;
  }

  private static void free(List<Array> arrays) throws SQLException {
    for (Array array : arrays) {
      array.free();
    }
  }

  /** Deletes in a transaction that holds the key's lock; the removed row's expiry, or null if none. */
  public Long delete(Connection c, byte[] rowKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.delete)) {
      ps.setBytes(1, rowKey);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? expiresAt(rs, 1) : null;
      }
    }
  }

  /**
   * Deletes in one statement (which takes the key's lock itself where plain writes lock); the removed row's expiry,
   * or null.
   */
  public Long deleteOne(Connection c, EncodedKey key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.deleteOne)) {
      int next = bindKeyLock(ps, 1, key);
      ps.setBytes(next, rowKey(key));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? expiresAt(rs, 1) : null;
      }
    }
  }

  /** Sets a new expiry on an entry (after an access or an update that only changes it). */
  public void setExpiry(Connection c, byte[] rowKey, long expiresAt) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.touch)) {
      setExpiresAt(ps, 1, expiresAt);
      ps.setBytes(2, rowKey);
      ps.execute();
    }
  }

  /** Sets a new expiry on a live entry and returns its value, or null if it is absent or expired. */
  public byte[] readAndSetExpiry(Connection c, byte[] rowKey, long expiresAt, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.touchIfLive)) {
      setExpiresAt(ps, 1, expiresAt);
      ps.setBytes(2, rowKey);
      ps.setLong(3, now);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  /** Deletes every row; returns how many of them were live. */
  public long deleteAll(Connection c, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.deleteAll)) {
      ps.setLong(1, now);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Deletes every row. */
  public void clear(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.clear); ResultSet rs = ps.executeQuery()) {
      rs.next();
    }
  }

  /** Up to {@code limit} rows in row key order after {@code afterRowKey} (an empty array starts at the beginning). */
  public List<StoredEntry> page(Connection c, byte[] afterRowKey, int limit) throws SQLException {
    List<StoredEntry> rows = new ArrayList<>(limit);
    try (PreparedStatement ps = c.prepareStatement(sql.page)) {
      ps.setBytes(1, afterRowKey);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new StoredEntry(rs.getBytes(1), rs.getBytes(2), rs.getBytes(3), expiresAt(rs, 4)));
        }
      }
    }
    return rows;
  }

  /**
   * Deletes up to {@code limit} rows expired at {@code now}, skipping rows others hold; returns them. Their keys are
   * announced by name, however many there are.
   */
  public List<StoredEntry> sweep(Connection c, long now, int limit) throws SQLException {
    List<StoredEntry> removed = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.sweep)) {
      ps.setLong(1, now);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byte[] rowKey = rs.getBytes(1);
          if (rowKey != null) {
            removed.add(new StoredEntry(rowKey, rs.getBytes(2), rs.getBytes(3), now));
          }
        }
      }
    }
    return removed;
  }

  /** Number of live entries. */
  public long count(Connection c, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.count)) {
      ps.setLong(1, now);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void bindPut(PreparedStatement ps, EncodedKey key, byte[] valueBytes, long creationExpiry,
      boolean keepExpiry, long updateExpiry, long now) throws SQLException {
    bindWrite(ps, key, valueBytes, creationExpiry);
    bindUpdateExpiry(ps, bindKeyLock(ps, 5, key), now, keepExpiry, updateExpiry);
  }

  /** Binds the key's advisory lock from {@code index} on where plain writes take it; returns the next index. */
  private int bindKeyLock(PreparedStatement ps, int index, EncodedKey key) throws SQLException {
    if (!locksKeysOnPlainWrites()) {
      return index;
    }
    ps.setInt(index, cacheId);
    ps.setInt(index + 1, KeyDigest.lockKey(key.digest()));
    return index + 2;
  }

  /** Binds the update's expiry rule of the upserts, three parameters from {@code first} on. */
  private static void bindUpdateExpiry(PreparedStatement ps, int first, long now, boolean keepExpiry,
      long updateExpiry) throws SQLException {
    ps.setLong(first, now);
    ps.setBoolean(first + 1, keepExpiry);
    setExpiresAt(ps, first + 2, updateExpiry);
  }

  private void bindWrite(PreparedStatement ps, EncodedKey key, byte[] valueBytes, long expiresAt)
      throws SQLException {
    ps.setBytes(1, rowKey(key));
    ps.setBytes(2, key.bytes());
    valueColumn.bind(ps, 3, Objects.requireNonNull(valueBytes));
    setExpiresAt(ps, 4, expiresAt);
  }

  private static void setExpiresAt(PreparedStatement ps, int index, long expiresAt) throws SQLException {
    if (expiresAt == StoredEntry.ETERNAL) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, expiresAt);
    }
  }

  private static long expiresAt(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? StoredEntry.ETERNAL : value;
  }
}
