package io.pgjcache.internal.codec;

import java.util.UUID;

/**
 * JDK types whose instances never change and whose equal instances encode alike. One instance may be handed to
 * any number of callers without weakening store-by-value (none can change what another sees), and may be a map
 * key that stands for its encoding. Float and Double are left out: equal NaNs can differ in their bits, and so
 * in their encodings.
 */
public final class ImmutableTypes {
  private ImmutableTypes() {
  }

  /** Compares classes one by one, most common first: cheaper than a set lookup on every near-cache hit. */
  public static boolean isImmutable(Object object) {
    if (object == null) {
      return false;
    }
    Class<?> type = object.getClass();
    return type == String.class || type == Long.class || type == Integer.class || type == UUID.class
        || type == Short.class || type == Byte.class || type == Character.class || type == Boolean.class;
  }
}
