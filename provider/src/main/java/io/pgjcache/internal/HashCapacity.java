package io.pgjcache.internal;

/**
 * Sizing hash maps and sets that are filled once with a known number of entries (the keys of a {@code getAll} or
 * {@code putAll}): measured, a batch of 100 keys spent more time growing its maps than decoding its values.
 */
public final class HashCapacity {
  private HashCapacity() {
  }

  /** The initial capacity of a hash map or set that takes {@code entries} without growing (load factor 0.75). */
  public static int of(int entries) {
    return (int) Math.ceil(entries / 0.75);
  }
}
