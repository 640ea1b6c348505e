package io.pgjcache.internal.management;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.regex.Pattern;
import javax.cache.CacheException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers the standard JCache MXBeans on the platform MBean server under the names the
 * specification gives: {@code javax.cache:type=CacheStatistics|CacheConfiguration,CacheManager=...,Cache=...},
 * and pgjcache's own metrics beans under {@code pgjcache:type=CacheManagerMetrics|CacheMetrics,...}.
 *
 * <p>A cache name that is a legal ObjectName value is used as it is, which is how monitoring tools such as
 * Micrometer's {@code JCacheMetrics} build the name they look for. Any other name ({@code ,}, {@code =},
 * {@code :}, {@code "}, {@code *}, {@code ?} or a line break in it) is quoted as {@link ObjectName#quote} does:
 * replacing such characters would give different caches one name, and the second cache no MBean at all.
 */
public final class MBeans {
  /** The two standard bean types. */
  public enum Type {
    STATISTICS("CacheStatistics"), CONFIGURATION("CacheConfiguration");

    private final String objectType;

    Type(String objectType) {
      this.objectType = objectType;
    }
  }

  /** Characters an ObjectName value may not hold unless quoted (and {@code *}, {@code ?} make it a pattern). */
  private static final Pattern ILLEGAL_UNQUOTED = Pattern.compile("[,:=\\n\\r*?\"]");

  private MBeans() {
  }

  public static ObjectName name(Type type, URI managerUri, String cacheName) {
    try {
      return new ObjectName("javax.cache:type=" + type.objectType + ",CacheManager="
          + sanitize(managerUri.toString()) + ",Cache=" + value(cacheName));
    } catch (JMException e) {
      throw new CacheException("Cannot name the MBean of cache '" + cacheName + "'", e);
    }
  }

  /**
   * The name of pgjcache's own metrics bean of a manager ({@code cacheName} null) or of one of its caches:
   * {@code pgjcache:type=CacheManagerMetrics|CacheMetrics,CacheManager=...[,Cache=...]}, the manager and cache
   * written as in the standard beans' names.
   */
  public static ObjectName metricsName(URI managerUri, String cacheName) {
    String manager = "CacheManager=" + sanitize(managerUri.toString());
    try {
      return cacheName == null ? new ObjectName("pgjcache:type=CacheManagerMetrics," + manager)
          : new ObjectName("pgjcache:type=CacheMetrics," + manager + ",Cache=" + value(cacheName));
    } catch (JMException e) {
      throw new CacheException("Cannot name the metrics MBean of " + (cacheName == null ? "cache manager "
          + managerUri : "cache '" + cacheName + "'"), e);
    }
  }

  public static void register(Object bean, Type type, URI managerUri, String cacheName) {
    register(bean, name(type, managerUri, cacheName));
  }

  /** Registers the bean unless a bean of that name is registered already. */
  public static void register(Object bean, ObjectName name) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      if (!server.isRegistered(name)) {
        server.registerMBean(bean, name);
      }
    } catch (JMException e) {
      throw new CacheException("Cannot register MBean " + name, e);
    }
  }

  public static void unregister(Type type, URI managerUri, String cacheName) {
    unregister(name(type, managerUri, cacheName));
  }

  public static void unregister(ObjectName name) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (JMException e) {
      throw new CacheException("Cannot unregister MBean " + name, e);
    }
  }

  /**
   * The manager part: these characters replaced by dots, as monitoring tools expect ({@code JCacheMetrics}
   * replaces the colons of the manager's URI).
   */
  private static String sanitize(String text) {
    return ILLEGAL_UNQUOTED.matcher(text).replaceAll(".");
  }

  /** The cache part: the name itself where that is a legal value, else the name quoted. */
  private static String value(String text) {
    return text.isEmpty() || ILLEGAL_UNQUOTED.matcher(text).find() ? ObjectName.quote(text) : text;
  }
}
