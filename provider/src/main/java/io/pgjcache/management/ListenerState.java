package io.pgjcache.management;

/** What a manager's LISTEN connection is doing. */
public enum ListenerState {
  /** No cache here needs one yet: no near cache, no cluster-wide events. */
  NOT_STARTED,
  /** Connected and listening: near caches serve. */
  LIVE,
  /** Lost or not yet connected: near caches are cleared and bypassed, and it reconnects in the background. */
  DOWN,
  /** It cannot be opened at all (its address is unknown or invalid): near caches are off, which was logged. */
  UNAVAILABLE,
  /** The manager is closed. */
  CLOSED
}
