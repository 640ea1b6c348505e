package io.pgjcache.internal.near;

import java.util.Set;
import java.util.UUID;

/**
 * JDK types whose instances never change and whose equal instances encode alike. One instance may be handed to
 * any number of callers without weakening store-by-value (none can change what another sees), and may be a map
 * key that stands for its encoding. Float and Double are left out: equal NaNs can differ in their bits, and so
 * in their encodings.
 */
public final class ImmutableTypes {
  private static final Set<Class<?>> TYPES = Set.of(String.class, Integer.class, Long.class, Short.class, Byte.class,
      Character.class, Boolean.class, UUID.class);

  private ImmutableTypes() {
  }

  public static boolean isImmutable(Object object) {
    return object != null && TYPES.contains(object.getClass());
  }
}
