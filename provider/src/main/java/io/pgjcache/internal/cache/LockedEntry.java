package io.pgjcache.internal.cache;

import io.pgjcache.internal.codec.EncodedKey;
import io.pgjcache.internal.event.PgCacheEntryEvent;
import io.pgjcache.internal.near.NearCache;
import io.pgjcache.internal.store.CacheTable;
import io.pgjcache.internal.store.StoredEntry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.cache.event.EventType;

/**
 * One key as a locked read-modify-write sees it ({@link EntryEngine#compute}): its row if any, whether that is
 * live, and the changes the work makes to it. The work runs inside the transaction that holds the key's advisory
 * lock and the lock of its row (a row of its own when the key has none and the work may create the entry, see
 * {@link #run}); this object records what it did (events, the stored value) so that the engine can finish the job
 * after the commit. Valid only while the work runs.
 */
public final class LockedEntry<K, V> {
  /** The work on the entry and what it returned. */
  record Done<K, V, R>(LockedEntry<K, V> entry, R result) {
  }

  private final EntryEngine<K, V> engine;
  /** The table as the transaction must write it (see {@link CacheTable#inCallersTransaction}). */
  private final CacheTable table;
  private final Connection connection;
  private final EncodedKey k;
  private final StoredEntry row;
  private final long now;
  private final EntryAccess.Creation creation;
  private boolean live;
  private V value;

  final List<PgCacheEntryEvent<K, V>> events = new ArrayList<>(1);
  boolean changed;
  V stored;
  byte[] storedBytes;
  long storedExpiry;
  int backendPid;
  NearCache.PendingWrite pending;

  LockedEntry(EntryEngine<K, V> engine, CacheTable table, Connection connection, EncodedKey k, StoredEntry row,
      long now, EntryAccess.Creation creation) {
    this.engine = engine;
    this.table = table;
    this.connection = connection;
    this.k = k;
    this.row = row;
    this.now = now;
    this.creation = creation;
    this.live = row != null && !row.isExpiredAt(now);
  }

  /**
   * Runs the work on the key's row, read and locked in the transaction {@code c}, which holds the key's advisory lock.
   * Plain writes take no advisory lock in caches of this version's form (see
   * {@code CacheTable#locksKeysOnPlainWrites}), so a key without a row is claimed first with a row that no other
   * transaction sees ({@code CacheTable#claim}): plain puts of the key then wait for this transaction as they wait
   * for the lock of an existing row. The work's value replaces that row; if the work stores none, the row is deleted
   * again before this returns. A work that never creates an entry claims nothing: for a key without a row it does
   * nothing a plain write could come between, so it takes effect as of its read.
   *
   * @param backendPid the process id of the backend of {@code c}
   * @param creation   whether the work may store a value for a key without a row
   */
  static <K, V, R> Done<K, V, R> run(EntryEngine<K, V> engine, CacheTable table, Connection c, EncodedKey k,
      int backendPid, EntryAccess.Creation creation, EntryEngine.Work<K, V, R> work) throws SQLException {
    byte[] rowKey = table.rowKey(k);
    StoredEntry row = table.readForUpdate(c, rowKey);
    boolean claims = creation == EntryAccess.Creation.POSSIBLE && !table.locksKeysOnPlainWrites();
    boolean claimed = false;
    // Where plain writes lock keys, the advisory lock held already keeps them out. Elsewhere a claim fails only when a
    // plain write created the key meanwhile and committed; its row is then read and locked, unless it is gone again.
    while (row == null && claims && !claimed) {
      claimed = table.claim(c, k);
      if (!claimed) {
        row = table.readForUpdate(c, rowKey);
      }
    }
    LockedEntry<K, V> entry = new LockedEntry<>(engine, table, c, k, row, EntryReader.now(), creation);
    entry.backendPid = backendPid;
    Throwable failure = null;
    try {
      return new Done<>(entry, work.run(entry));
    } catch (Throwable e) {
      failure = e;
      throw e;
    } finally {
      // Only a write replaces the claimed row: a work without a row neither erases nor touches one.
      if (claimed && !entry.changed) {
        unclaim(table, c, rowKey, failure);
      }
    }
  }

  /**
   * Deletes the claimed row. After a failed work it still must go, as a caller's transaction may commit anyway; when
   * the transaction is broken, the failure carries the reason and the row goes with the transaction.
   */
  private static void unclaim(CacheTable table, Connection c, byte[] rowKey, Throwable failure) throws SQLException {
    try {
      table.unclaim(c, rowKey);
    } catch (SQLException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
  }

  /** Whether the key has an entry that has not expired. */
  public boolean isLive() {
    return live;
  }

  /** Whether the key has a row, live or expired. */
  public boolean hasRow() {
    return row != null;
  }

  /**
   * The live value, decoded on first use; null when absent or expired, or when the classes here cannot read it any
   * more: such an entry is not live from then on, and a write replaces it as a create.
   */
  public V value() {
    if (live && value == null) {
      value = engine.reader().valueOf(k, row);
      live = value != null;
    }
    return value;
  }

  /**
   * Writes a value as a create or an update, with the expiry the policy gives; an expiry already past means the
   * entry must not be kept. Returns whether the value is now stored.
   */
  public boolean store(K key, V newValue, byte[] valueBytes) throws SQLException {
    if (row == null && creation == EntryAccess.Creation.NEVER) {
      // Unclaimed, the key may have gained a row since the read, which this write would overwrite unseen.
      throw new IllegalStateException("pgjcache: an operation declared as never creating an entry tried to create one");
    }
    long expiresAt = live ? engine.expiry().forUpdate(now, row.expiresAt()) : engine.expiry().forCreation(now);
    if (expiresAt <= now) {
      if (row != null) {
        table.delete(connection, table.rowKey(k));
        changed = true;
      }
      return false;
    }
    table.write(connection, k, valueBytes, expiresAt);
    changed = true;
    stored = newValue;
    storedBytes = valueBytes;
    storedExpiry = expiresAt;
    if (engine.wantsEvents()) {
      events.add(live ? engine.event(EventType.UPDATED, key, newValue, value(), true)
          : engine.event(EventType.CREATED, key, newValue, null, false));
    }
    return true;
  }

  /** Deletes the key's row; returns whether a live entry was removed. */
  public boolean erase(K key) throws SQLException {
    if (row == null) {
      return false;
    }
    table.delete(connection, table.rowKey(k));
    changed = true;
    if (live && engine.wantsEvents()) {
      V old = value();
      events.add(engine.event(EventType.REMOVED, key, old, old, true));
    }
    return live;
  }

  /** Applies the access expiry to the live entry. */
  public void touch() throws SQLException {
    long expiresAt = engine.expiry().forAccess(now, row.expiresAt());
    if (expiresAt != row.expiresAt()) {
      table.setExpiry(connection, table.rowKey(k), expiresAt);
      changed = true;
    }
  }
}
