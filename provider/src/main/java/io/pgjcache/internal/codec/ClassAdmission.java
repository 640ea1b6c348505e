package io.pgjcache.internal.codec;

import io.pgjcache.configuration.Setting;
import java.io.ObjectInputFilter;
import java.io.ObjectInputFilter.Status;
import java.util.Objects;

/**
 * Whether a class named by stored bytes may be instantiated by a codec that is not Java serialization (json, kryo):
 * the same policy as {@link DefaultCodec}'s stream filter, asked for one class at a time. The classes that
 * {@code pgjcache.serial-filter} names decide first (allowed or refused with {@code !}), then any JVM-wide filter
 * may refuse, then the {@link SerialAllowList} admits. Asked before the class is initialized or instantiated.
 */
final class ClassAdmission {
  private final String filterPattern;
  private final ObjectInputFilter configured;
  private final SerialAllowList allowList;

  ClassAdmission(String filterPattern, SerialAllowList allowList) {
    this.filterPattern = Objects.requireNonNull(filterPattern, "filterPattern");
    this.configured = ObjectInputFilter.Config.createFilter(filterPattern);
    this.allowList = Objects.requireNonNull(allowList, "allowList");
  }

  /** This policy, also admitting what a cache's declared key and value types bring. */
  ClassAdmission with(Class<?> keyType, Class<?> valueType) {
    return new ClassAdmission(filterPattern, allowList.with(keyType, valueType));
  }

  /**
   * Returns the class if it may be instantiated.
   *
   * @throws IllegalArgumentException naming the class and the setting that would admit it
   */
  Class<?> require(Class<?> type) {
    ClassInfo info = new ClassInfo(type);
    Status ours = configured.checkInput(info);
    ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
    if (ours == Status.REJECTED) {
      throw refused(type, "it is refused by " + Setting.SERIAL_FILTER.key());
    }
    if (jvmWide != null && jvmWide.checkInput(info) == Status.REJECTED) {
      throw refused(type, "it is refused by the JVM-wide serial filter");
    }
    if (ours != Status.ALLOWED && !allowList.allows(type)) {
      throw new IllegalArgumentException("Refused to decode a stored object of class " + type.getName()
          + ", which is not on the " + allowList + ". Only the classes a cache is configured to hold are read; to "
          + "read it, add the class to " + Setting.SERIAL_FILTER.key() + " (e.g. com.example.Order or com.example.**)");
    }
    return type;
  }

  private static IllegalArgumentException refused(Class<?> type, String why) {
    return new IllegalArgumentException("Refused to decode a stored object of class " + type.getName() + ": " + why);
  }

  /** One class on its own, as a filter sees it: no array, no depth, no references. */
  private record ClassInfo(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
    @Override
    public long arrayLength() {
      return -1;
    }

    @Override
    public long depth() {
      return 1;
    }

    @Override
    public long references() {
      return 1;
    }

    @Override
    public long streamBytes() {
      return 0;
    }
  }
}
