package io.pgjcache.spring;

import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.cache.support.NullValue;
import org.springframework.util.ClassUtils;

/**
 * The Jackson mapper the provider's json codec writes with: a copy of the application's (so Boot's
 * {@code spring.jackson.*} settings and the application's modules apply to cached values as to everything else),
 * or a mapper of our own when the application has none. The application's Jackson 3 {@code JsonMapper} (Spring Boot
 * 4; or a plain Jackson 3 {@code ObjectMapper} that writes JSON) comes first, then its Jackson 2
 * {@code ObjectMapper} (Spring Boot 3, or Boot 4 with Jackson 2 support added); with neither bean, Jackson 2 if it
 * is on the class path, else Jackson 3, as the provider itself chooses. Either way the mapper also reads and writes
 * Spring's {@link NullValue}, which Spring stores for a cached null and which Jackson cannot make by itself. A
 * Jackson version's classes are loaded only once it is known to be there.
 */
final class JsonMappers {
  private static final String JACKSON2 = "com.fasterxml.jackson.databind.ObjectMapper";
  private static final String JACKSON3 = "tools.jackson.databind.json.JsonMapper";

  private JsonMappers() {
  }

  /** The mapper to hand to the provider, if Jackson 2 or 3 is there. */
  static Optional<Object> applicationMapper(ListableBeanFactory beanFactory, ClassLoader classLoader) {
    boolean jackson2 = ClassUtils.isPresent(JACKSON2, classLoader);
    boolean jackson3 = ClassUtils.isPresent(JACKSON3, classLoader);
    Optional<Object> application = jackson3 ? Jackson3JsonMapper.ofApplication(beanFactory) : Optional.empty();
    if (application.isEmpty() && jackson2) {
      application = Jackson2JsonMapper.ofApplication(beanFactory);
    }
    if (application.isPresent()) {
      return application;
    }
    if (jackson2) {
      return Optional.of(Jackson2JsonMapper.own());
    }
    return jackson3 ? Optional.of(Jackson3JsonMapper.own()) : Optional.empty();
  }
}
