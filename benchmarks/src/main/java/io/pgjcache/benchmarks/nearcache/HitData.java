package io.pgjcache.benchmarks.nearcache;

import java.util.SplittableRandom;

/** The key set and values every hit-throughput contender holds: the same keys and equal values for each. */
final class HitData {
  /** About a thousand keys: small enough for any near cache, large enough not to live in L1. */
  static final int KEYS = 1_000;
  static final int STRING_LENGTH = 100;

  private HitData() {
  }

  static String[] keys() {
    String[] keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "product:" + i;
    }
    return keys;
  }

  /** Values of the given kind: {@code string} (100 characters) or {@code record} (a {@link Quote}). */
  static Object[] values(String kind) {
    SplittableRandom random = new SplittableRandom(42);
    Object[] values = new Object[KEYS];
    for (int i = 0; i < KEYS; i++) {
      values[i] = switch (kind) {
        case "string" -> text(random, STRING_LENGTH);
        case "record" -> new Quote(text(random, 4).toUpperCase(java.util.Locale.ROOT), random.nextLong(1, 1L << 40),
            random.nextInt(1, 1_000_000), 1_700_000_000_000L + i);
        default -> throw new IllegalArgumentException("unknown value kind " + kind);
      };
    }
    return values;
  }

  private static String text(SplittableRandom random, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = (char) ('a' + random.nextInt(26));
    }
    return new String(chars);
  }
}
