package io.pgjcache.internal.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The classes a cache may deserialize unless {@code pgjcache.serial-filter} says otherwise: JDK value types,
 * the classes the frameworks we serve store in their caches, and the key and value types the cache declares.
 * Anything else in a stored Java-serialized stream is refused before its class is initialized.
 *
 * <p>The JDK's own enums are admitted too (their constants are looked up, never constructed).
 *
 * <p>A declared type outside {@code java.*} and {@code javax.*} admits itself, its subtypes and every class of
 * its package, so that a value class may hold the model classes that live beside it. A declared JDK type
 * ({@code Object}, {@code Map}, {@code Serializable}...) admits nothing beyond the JDK value types: declaring
 * {@code Object} must not open the door to every class on the class path.
 */
final class SerialAllowList {
  /** JDK value types and the collections that hold them. */
  private static final Set<String> JDK_CLASSES = Set.of(
      "java.lang.Object", "java.io.Serializable", "java.lang.Number", "java.lang.Enum", "java.lang.String",
      "java.lang.Boolean",
      "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
      "java.lang.Double", "java.lang.Character", "java.lang.String$CaseInsensitiveComparator",
      "java.math.BigInteger", "java.math.BigDecimal", "java.util.UUID", "java.util.Date", "java.util.Locale",
      "java.util.Currency", "java.sql.Date", "java.sql.Time", "java.sql.Timestamp",
      "java.util.ArrayList", "java.util.LinkedList", "java.util.Vector", "java.util.ArrayDeque",
      "java.util.PriorityQueue", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap",
      "java.util.Hashtable", "java.util.IdentityHashMap", "java.util.HashSet", "java.util.LinkedHashSet",
      "java.util.TreeSet", "java.util.BitSet", "java.util.EnumMap", "java.util.EnumSet",
      "java.util.EnumSet$SerializationProxy", "java.util.RegularEnumSet", "java.util.JumboEnumSet",
      "java.util.Map$Entry", "java.util.AbstractMap$SimpleEntry", "java.util.AbstractMap$SimpleImmutableEntry",
      "java.util.CollSer",
      "java.util.Arrays$ArrayList", "java.util.concurrent.ConcurrentHashMap",
      "java.util.concurrent.ConcurrentHashMap$Segment", "java.util.concurrent.CopyOnWriteArrayList",
      "java.util.concurrent.CopyOnWriteArraySet", "java.util.concurrent.ConcurrentSkipListMap",
      "java.util.concurrent.ConcurrentSkipListSet", "java.util.concurrent.ConcurrentLinkedQueue",
      "java.util.concurrent.ConcurrentLinkedDeque",
      // The entries of the frameworks we serve: Spring's null marker, Hibernate's second-level cache entries.
      "org.springframework.cache.support.NullValue",
      "org.hibernate.bytecode.enhance.spi.LazyPropertyInitializer$1");

  /** Packages (and nested-class families) admitted whole. */
  private static final List<String> PREFIXES = List.of(
      "java.time.", "java.util.Collections$", "java.util.ImmutableCollections$",
      "org.hibernate.cache.spi.entry.", "org.hibernate.cache.internal.", "org.hibernate.cache.spi.QueryKey",
      "org.hibernate.cache.spi.support.AbstractReadWriteAccess$",
      // pgjcache-hibernate's own region entries (soft locks, items, tombstones): plain records.
      "io.pgjcache.hibernate.internal.");

  /** Only the built-in classes, for a cache that declares no types of its own. */
  static final SerialAllowList BUILT_IN = new SerialAllowList(List.of());

  private final List<Class<?>> declaredTypes;

  private SerialAllowList(List<Class<?>> declaredTypes) {
    this.declaredTypes = declaredTypes;
  }

  /** This list, also admitting what the given declared key and value types bring (see the class comment). */
  SerialAllowList with(Class<?>... types) {
    List<Class<?>> declared = new ArrayList<>(declaredTypes);
    for (Class<?> type : types) {
      Class<?> element = elementType(Objects.requireNonNull(type, "type"));
      if (!element.isPrimitive() && !isJdk(element.getName()) && !declared.contains(element)) {
        declared.add(element);
      }
    }
    return new SerialAllowList(List.copyOf(declared));
  }

  /** Whether a class met in a stored stream may be deserialized. */
  boolean allows(Class<?> type) {
    Class<?> element = elementType(type);
    if (element.isPrimitive()) {
      return true;
    }
    String name = element.getName();
    if (JDK_CLASSES.contains(name) || PREFIXES.stream().anyMatch(name::startsWith)
        || (element.isEnum() && isJdk(name))) {
      return true;
    }
    for (Class<?> declared : declaredTypes) {
      if (declared.isAssignableFrom(element) || declared.getPackageName().equals(element.getPackageName())) {
        return true;
      }
    }
    return false;
  }

  private static Class<?> elementType(Class<?> type) {
    Class<?> element = type;
    while (element.isArray()) {
      element = element.getComponentType();
    }
    return element;
  }

  private static boolean isJdk(String name) {
    return name.startsWith("java.") || name.startsWith("javax.");
  }

  @Override
  public String toString() {
    return "built-in allow-list" + (declaredTypes.isEmpty() ? "" : " + " + declaredTypes);
  }
}
