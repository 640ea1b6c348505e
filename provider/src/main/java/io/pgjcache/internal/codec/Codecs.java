package io.pgjcache.internal.codec;

import io.pgjcache.configuration.Setting;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The codecs of one manager, by name ({@link Setting#CODECS}), each made on first use. The json and kryo codecs need
 * libraries that the provider depends on optionally: asking for one without its library on the class path fails
 * with the artifact named, and users who never ask are unaffected.
 */
public final class Codecs {
  private final String filterPattern;
  private final Object jsonMapper;
  private final String defaultName;
  private final Map<String, Codec> made = new ConcurrentHashMap<>();

  /**
   * @param filterPattern the {@code pgjcache.serial-filter} pattern, which every codec's decoding obeys
   * @param jsonMapper    the application's Jackson 2 or 3 {@code ObjectMapper} for the json codec, or null
   * @param defaultName   the codec of caches that choose none ({@code pgjcache.codec})
   */
  public Codecs(String filterPattern, Object jsonMapper, String defaultName) {
    this.filterPattern = Objects.requireNonNull(filterPattern, "filterPattern");
    this.jsonMapper = jsonMapper;
    this.defaultName = Objects.requireNonNull(defaultName, "defaultName");
  }

  /** Only this codec, which is also the default: for tools and tests that work with one codec. */
  public static Codecs only(Codec codec) {
    Codecs codecs = new Codecs(Setting.SERIAL_FILTER.defaultValue().orElseThrow(), null, codec.name());
    codecs.made.put(codec.name(), codec);
    return codecs;
  }

  /** The name of the codec of caches that choose none. */
  public String defaultName() {
    return defaultName;
  }

  /**
   * The codec of this name.
   *
   * @throws IllegalArgumentException if the name is unknown or the codec's library is missing
   */
  public Codec named(String name) {
    return made.computeIfAbsent(Objects.requireNonNull(name, "name"), this::make);
  }

  private Codec make(String name) {
    return switch (name) {
      case DefaultCodec.NAME -> new DefaultCodec(filterPattern);
      case JsonCodec.NAME -> new JsonCodec(jsonMapper, filterPattern);
      case KryoCodec.NAME -> {
        requireLibrary(name, "com.esotericsoftware.kryo.Kryo", "com.esotericsoftware:kryo (5.x)");
        yield new KryoCodec(filterPattern);
      }
      default -> throw new IllegalArgumentException("Unknown codec '" + name + "'; known codecs: "
          + String.join(", ", Setting.CODECS));
    };
  }

  private static void requireLibrary(String codec, String className, String artifact) {
    try {
      Class.forName(className, false, Codecs.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("The " + codec + " codec needs " + artifact + " on the class path; add "
          + "that dependency, or choose another codec (" + Setting.CODEC.key() + ")", e);
    }
  }
}
