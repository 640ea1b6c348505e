package io.pgjcache.internal.expiry;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.Factory;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;

/**
 * The expiry policies that ship with the JCache API, written as short text for the registry (for example
 * {@code created 10 MINUTES}: kind, amount and unit of the duration, or {@code eternal}), so that a node which
 * opens a cache by name alone applies the expiry the creating node configured. Other policies are application
 * code that another node may not have: they are not written, and such a node falls back to the default
 * (eternal).
 */
public final class PortableExpiry {
  private enum Kind {
    CREATED, ACCESSED, MODIFIED, TOUCHED;

    String spelling() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final String ETERNAL = "eternal";

  private PortableExpiry() {
  }

  /** The text for a policy of the JCache API, or empty for any other policy. */
  public static Optional<String> describe(ExpiryPolicy policy) {
    Class<?> type = policy.getClass();
    if (type == EternalExpiryPolicy.class) {
      return Optional.of(ETERNAL);
    }
    Kind kind;
    Duration duration;
    if (type == CreatedExpiryPolicy.class) {
      kind = Kind.CREATED;
      duration = policy.getExpiryForCreation();
    } else if (type == AccessedExpiryPolicy.class) {
      kind = Kind.ACCESSED;
      duration = policy.getExpiryForAccess();
    } else if (type == ModifiedExpiryPolicy.class) {
      kind = Kind.MODIFIED;
      duration = policy.getExpiryForUpdate();
    } else if (type == TouchedExpiryPolicy.class) {
      kind = Kind.TOUCHED;
      duration = policy.getExpiryForAccess();
    } else {
      return Optional.empty();
    }
    String amount = duration.isEternal() ? ETERNAL : duration.getDurationAmount() + " " + duration.getTimeUnit();
    return Optional.of(kind.spelling() + " " + amount);
  }

  /** The policy factory a text of {@link #describe} stands for; empty for text it does not know. */
  public static Optional<Factory<ExpiryPolicy>> factoryOf(String text) {
    if (text == null) {
      return Optional.empty();
    }
    if (text.equals(ETERNAL)) {
      return Optional.of(EternalExpiryPolicy.factoryOf());
    }
    String[] parts = text.split(" ");
    Duration duration;
    try {
      if (parts.length == 2 && parts[1].equals(ETERNAL)) {
        duration = Duration.ETERNAL;
      } else if (parts.length == 3) {
        duration = new Duration(TimeUnit.valueOf(parts[2]), Long.parseLong(parts[1]));
      } else {
        return Optional.empty();
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    for (Kind kind : Kind.values()) {
      if (kind.spelling().equals(parts[0])) {
        return Optional.of(switch (kind) {
          case CREATED -> CreatedExpiryPolicy.factoryOf(duration);
          case ACCESSED -> AccessedExpiryPolicy.factoryOf(duration);
          case MODIFIED -> ModifiedExpiryPolicy.factoryOf(duration);
          case TOUCHED -> TouchedExpiryPolicy.factoryOf(duration);
        });
      }
    }
    return Optional.empty();
  }
}
