package io.pgjcache;

import java.util.concurrent.locks.LockSupport;

/**
 * Whether a writer thread is queued behind a node's grouped write in flight. A thread's state is not enough: one
 * woken from a wait on its way to the queue (for the queue's lock) reads WAITING until it is scheduled, and would
 * then join a later batch; a thread parked on its queued call has joined the queue already.
 */
final class GroupCommitQueue {
  /** What a queued writer parks on: the group commit's call, internal, so named here. */
  private static final String QUEUED_CALL = "io.pgjcache.internal.cache.GroupCommit$Call";

  private GroupCommitQueue() {
  }

  static boolean holds(Thread writer) {
    Object blocker = LockSupport.getBlocker(writer);
    return blocker != null && blocker.getClass().getName().equals(QUEUED_CALL);
  }
}
