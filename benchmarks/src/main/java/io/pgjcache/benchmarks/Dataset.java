package io.pgjcache.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The keys and values both contenders work on: the same strings for both, made once, so that building them
 * is not part of any measurement. Keys are short strings ({@code "key:00042"}); values are random printable
 * ASCII strings of a fixed length, a small pool of them reused by the puts.
 */
final class Dataset {
  private static final int VALUE_VARIANTS = 64;
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_";

  private final List<String> keys;
  private final List<String> values;

  Dataset(int keyCount, int valueLength, long seed) {
    int digits = String.valueOf(keyCount - 1).length();
    this.keys = IntStream.range(0, keyCount).mapToObj(i -> "key:" + zeroPadded(i, digits)).toList();
    SplittableRandom random = new SplittableRandom(seed);
    this.values = IntStream.range(0, VALUE_VARIANTS).mapToObj(i -> randomText(random, valueLength)).toList();
  }

  /** The key of a Zipf rank. */
  String key(int rank) {
    return keys.get(rank);
  }

  int keyCount() {
    return keys.size();
  }

  /** A value for a put, chosen by the caller's random number. */
  String value(int choice) {
    return values.get(Math.floorMod(choice, values.size()));
  }

  /** Every key with a value, for prepopulation. */
  Map<String, String> initialEntries() {
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      entries.put(keys.get(i), value(i));
    }
    return entries;
  }

  private static String zeroPadded(int number, int digits) {
    String text = Integer.toString(number);
    return "0".repeat(digits - text.length()) + text;
  }

  private static String randomText(SplittableRandom random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return text.toString();
  }
}
