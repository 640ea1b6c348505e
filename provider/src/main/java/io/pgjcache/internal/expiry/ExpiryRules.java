package io.pgjcache.internal.expiry;

import io.pgjcache.internal.store.StoredEntry;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;

/**
 * Turns a cache's {@link ExpiryPolicy} into absolute expiry times (epoch milliseconds,
 * {@link StoredEntry#ETERNAL} for none).
 *
 * <p>The policies that ship with the JCache API always answer the same, so their answers are
 * {@linkplain #isPredictable() known in advance} and a write can carry both its creation and its update
 * expiry in one statement. Any other policy is consulted exactly when the specification says, which
 * needs the entry's current state first.
 */
public final class ExpiryRules {
  private static final System.Logger LOG = System.getLogger(ExpiryRules.class.getName());
  private static final Set<Class<?>> PREDICTABLE = Set.of(EternalExpiryPolicy.class, CreatedExpiryPolicy.class,
      AccessedExpiryPolicy.class, ModifiedExpiryPolicy.class, TouchedExpiryPolicy.class);

  private final ExpiryPolicy policy;
  private final boolean predictable;

  public ExpiryRules(ExpiryPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.predictable = PREDICTABLE.contains(policy.getClass());
  }

  public ExpiryPolicy policy() {
    return policy;
  }

  /** Whether the policy may be asked at any time, any number of times, with the same answers. */
  public boolean isPredictable() {
    return predictable;
  }

  /** Expiry of a new entry; a time at or before {@code now} means the entry must not be stored. */
  public long forCreation(long now) {
    Duration duration = ask(policy::getExpiryForCreation, "creation");
    return duration == null ? StoredEntry.ETERNAL : at(duration, now);
  }

  /** Expiry after an update of an entry that expires at {@code current}. */
  public long forUpdate(long now, long current) {
    Duration duration = ask(policy::getExpiryForUpdate, "update");
    return duration == null ? current : at(duration, now);
  }

  /** Expiry after an access of an entry that expires at {@code current}. */
  public long forAccess(long now, long current) {
    Duration duration = ask(policy::getExpiryForAccess, "access");
    return duration == null ? current : at(duration, now);
  }

  /** For a predictable policy: whether an update leaves the expiry as it was. */
  public boolean updateKeepsExpiry() {
    return policy.getExpiryForUpdate() == null;
  }

  /** For a predictable policy: whether an access leaves the expiry as it was. */
  public boolean accessKeepsExpiry() {
    return policy.getExpiryForAccess() == null;
  }

  private static long at(Duration duration, long now) {
    if (duration.isEternal()) {
      return StoredEntry.ETERNAL;
    }
    if (duration.isZero()) {
      return now;
    }
    long millis = duration.getTimeUnit().toMillis(duration.getDurationAmount());
    return millis >= StoredEntry.ETERNAL - now ? StoredEntry.ETERNAL : now + millis;
  }

  /**
   * The specification lets an implementation carry on when a policy throws: the entry then keeps its
   * expiry (or, when created, gets none), and the failure is logged.
   */
  private Duration ask(Supplier<Duration> question, String what) {
    try {
      return question.get();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "pgjcache: expiry policy " + policy.getClass().getName() + " failed on " + what
          + "; the entry's expiry is left unchanged", e);
      return null;
    }
  }
}
