package io.pgjcache.tck;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.module.SimpleModule;

/**
 * Teaches Jackson the TCK's domain classes, for the TCK run on the json codec ({@code -Dtck.codec=json}), the way an
 * application teaches it classes it cannot annotate: mix-ins, found by the json codec's mapper through
 * {@code META-INF/services/com.fasterxml.jackson.databind.Module}. The classes keep their state in private fields
 * without accessors, build through constructors with arguments, and have a {@code getThis()} that a getter-based
 * mapping would follow forever.
 */
public final class TckDomainJsonModule extends SimpleModule {
  private static final long serialVersionUID = 1L;

  public TckDomainJsonModule() {
    super("pgjcache-tck-domain");
    setMixInAnnotation(domainClass("domain.Dog"), FieldsOnly.class);
    setMixInAnnotation(domainClass("domain.Identifier"), NamedByConstructor.class);
    setMixInAnnotation(domainClass("domain.Identifier2"), NamedByConstructor.class);
    setMixInAnnotation(domainClass("domain.Blog"), BlogByConstructor.class);
  }

  private static Class<?> domainClass(String name) {
    try {
      return Class.forName(name, false, TckDomainJsonModule.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("The TCK's domain classes are on the test class path", e);
    }
  }

  /** State is the fields; getters and setters are not properties. */
  @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
      isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
  abstract static class FieldsOnly {
  }

  /** An identifier: its name field, built through its one constructor. */
  @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
      isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
  abstract static class NamedByConstructor {
    @JsonCreator
    NamedByConstructor(@JsonProperty("name") String name) {
    }
  }

  /** A blog: title and body, built through its constructor. */
  abstract static class BlogByConstructor {
    @JsonCreator
    BlogByConstructor(@JsonProperty("title") String title, @JsonProperty("body") String body) {
    }
  }
}
