package io.pgjcache.internal.cache;

import io.pgjcache.internal.cache.EntryAccess.Creation;
import io.pgjcache.internal.management.CacheStatistics;

/**
 * The single-key changes of the JCache API, and what each counts in the statistics: a hit or a miss if it reads
 * the entry, a put or a removal if it changed it, and its time as a put or removal (and as a get when it returns
 * the old value).
 */
public enum ChangeKind {
  PUT("put", Creation.POSSIBLE, false, false, false),
  GET_AND_PUT("getAndPut", Creation.POSSIBLE, true, true, false),
  PUT_IF_ABSENT("putIfAbsent", Creation.POSSIBLE, true, false, false),
  REPLACE("replace", Creation.NEVER, true, false, false),
  GET_AND_REPLACE("getAndReplace", Creation.NEVER, true, true, false),
  REMOVE("remove", Creation.NEVER, false, false, true),
  REMOVE_IF_EQUALS("remove", Creation.NEVER, true, false, true),
  GET_AND_REMOVE("getAndRemove", Creation.NEVER, true, true, true);

  private final String operation;
  private final Creation creation;
  private final boolean reads;
  private final boolean returnsOld;
  private final boolean removes;

  ChangeKind(String operation, Creation creation, boolean reads, boolean returnsOld, boolean removes) {
    this.operation = operation;
    this.creation = creation;
    this.reads = reads;
    this.returnsOld = returnsOld;
    this.removes = removes;
  }

  /** The operation's name, for error messages. */
  public String operation() {
    return operation;
  }

  /** Whether the change may create an entry for a key without one. */
  public Creation creation() {
    return creation;
  }

  /**
   * Counts one change that started at {@code startNanos}.
   *
   * @param found   whether it found a live entry
   * @param changed whether it stored or removed what the operation is about
   */
  public void record(CacheStatistics statistics, boolean found, boolean changed, long startNanos) {
    if (reads && found) {
      statistics.recordHits(1);
    } else if (reads) {
      statistics.recordMisses(1);
    }
    if (returnsOld) {
      statistics.recordGetTime(startNanos);
    }
    if (removes) {
      statistics.recordRemovals(changed ? 1 : 0);
      statistics.recordRemoveTime(startNanos);
    } else {
      statistics.recordPuts(changed ? 1 : 0);
      statistics.recordPutTime(startNanos);
    }
  }
}
