package io.pgjcache.internal.codec;

import io.pgjcache.configuration.Setting;

/**
 * Which Jackson the json codec runs on: the version of the mapper the application hands over
 * ({@code pgjcache.json-mapper}; the Spring Boot starter hands over the application's), else Jackson 2 if it is on
 * the class path (as before Jackson 3 existed, so that adding a library that brings Jackson 3 changes nothing),
 * else Jackson 3. Both are optional dependencies of the provider: a version's classes are loaded only once it is
 * chosen.
 */
final class JsonBindings {
  private static final String JACKSON2_ARTIFACT = "com.fasterxml.jackson.core:jackson-databind (2.x)";
  private static final String JACKSON3_ARTIFACT = "tools.jackson.core:jackson-databind (3.x)";

  private JsonBindings() {
  }

  /**
   * @param mapper a Jackson 2 or 3 {@code ObjectMapper}, or null for one of the codec's own
   * @throws IllegalArgumentException if the mapper is neither, or no Jackson is on the class path
   */
  static JsonBinding forMapper(Object mapper) {
    if (mapper != null) {
      if (isA(mapper.getClass(), Jackson3Binding.MAPPER_CLASS)) {
        return new Jackson3Binding(ours(mapper, Jackson3Binding.MAPPER_CLASS));
      }
      if (isA(mapper.getClass(), Jackson2Binding.MAPPER_CLASS)) {
        return new Jackson2Binding(ours(mapper, Jackson2Binding.MAPPER_CLASS));
      }
      throw new IllegalArgumentException(Setting.JSON_MAPPER.key() + " must hold a Jackson ObjectMapper ("
          + Jackson2Binding.MAPPER_CLASS + " or " + Jackson3Binding.MAPPER_CLASS + "), got "
          + mapper.getClass().getName());
    }
    if (present(Jackson2Binding.MAPPER_CLASS)) {
      return new Jackson2Binding(null);
    }
    if (present(Jackson3Binding.MAPPER_CLASS)) {
      return new Jackson3Binding(null);
    }
    throw new IllegalArgumentException("The json codec needs Jackson on the class path: add " + JACKSON2_ARTIFACT
        + " or " + JACKSON3_ARTIFACT + ", or choose another codec (" + Setting.CODEC.key() + ")");
  }

  /** By name: the class of a Jackson that is not on our class path must not be loaded to ask. */
  private static boolean isA(Class<?> type, String className) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(className)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The mapper, once it is an instance of the class the bindings were compiled against: a Jackson of the same name
   * loaded by another class loader (or one we cannot see) would fail later with a ClassCastException or a
   * NoClassDefFoundError.
   */
  private static Object ours(Object mapper, String className) {
    Class<?> compiledAgainst = loaded(className);
    if (compiledAgainst == null || !compiledAgainst.isInstance(mapper)) {
      throw new IllegalArgumentException(Setting.JSON_MAPPER.key() + " holds a " + mapper.getClass().getName()
          + " from another class loader than the provider's " + className
          + (compiledAgainst == null ? " (which the provider cannot load)" : "")
          + ": hand over a mapper of the Jackson the provider sees");
    }
    return mapper;
  }

  private static boolean present(String className) {
    return loaded(className) != null;
  }

  private static Class<?> loaded(String className) {
    try {
      return Class.forName(className, false, JsonBindings.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
