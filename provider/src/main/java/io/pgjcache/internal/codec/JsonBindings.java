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
        return new Jackson3Binding(mapper);
      }
      if (isA(mapper.getClass(), Jackson2Binding.MAPPER_CLASS)) {
        return new Jackson2Binding(mapper);
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

  private static boolean present(String className) {
    try {
      Class.forName(className, false, JsonBindings.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
