package io.pgjcache.hibernate.internal;

import java.io.Serial;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.hibernate.cache.spi.access.SoftLock;

/**
 * What a READ_WRITE region holds for a key while transactions change it, and for a while after: the locks of the
 * transactions that are changing it (each its own {@link Token}, so that no release is ever counted twice or lost),
 * the version the item had, when the locks time out, and when the last one was released. An immutable value:
 * every change makes a new one, inside one atomic step of the cache.
 *
 * @param holders    the tokens of the transactions holding the lock
 * @param concurrent whether two transactions ever held it at once (then neither may put its own state)
 * @param version    the version of the item when it was first locked, or null
 * @param timeout    when the locks stop counting (a holder may have died)
 * @param releasedAt when the last holder released it (0 while held)
 */
record SoftLocked(Set<Token> holders, boolean concurrent, Object version, long timeout, long releasedAt)
    implements Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  /** One transaction's hold on a key: the node that took it and a number unique on that node. */
  record Token(String node, long id) implements SoftLock, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    Token {
      Objects.requireNonNull(node, "node");
    }
  }

  SoftLocked {
    holders = Set.copyOf(holders);
  }

  /** A lock released at {@code now} by nobody in particular: loads that began before it may not put. */
  static SoftLocked releasedAt(long now, long timeout) {
    return new SoftLocked(Set.of(), false, null, timeout, now);
  }

  /** This lock with one more holder. */
  SoftLocked with(Token token, long newTimeout) {
    Set<Token> more = new HashSet<>(holders);
    more.add(token);
    return new SoftLocked(more, concurrent || !holders.isEmpty(), version, newTimeout, 0);
  }

  /** This lock without {@code token}, released at {@code now} if it was the last holder. */
  SoftLocked without(Token token, long now) {
    Set<Token> fewer = new HashSet<>(holders);
    fewer.remove(token);
    return new SoftLocked(fewer, concurrent, version, timeout, fewer.isEmpty() ? now : 0);
  }
}
