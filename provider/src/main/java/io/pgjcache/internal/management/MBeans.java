package io.pgjcache.internal.management;

import java.lang.management.ManagementFactory;
import java.net.URI;
import javax.cache.CacheException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers the standard JCache MXBeans on the platform MBean server under the names the
 * specification gives: {@code javax.cache:type=CacheStatistics|CacheConfiguration,CacheManager=...,Cache=...}.
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

  private MBeans() {
  }

  public static ObjectName name(Type type, URI managerUri, String cacheName) {
    try {
      return new ObjectName("javax.cache:type=" + type.objectType + ",CacheManager="
          + sanitize(managerUri.toString()) + ",Cache=" + sanitize(cacheName));
    } catch (JMException e) {
      throw new CacheException("Cannot name the MBean of cache '" + cacheName + "'", e);
    }
  }

  public static void register(Object bean, Type type, URI managerUri, String cacheName) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(type, managerUri, cacheName);
    try {
      if (!server.isRegistered(name)) {
        server.registerMBean(bean, name);
      }
    } catch (JMException e) {
      throw new CacheException("Cannot register MBean " + name, e);
    }
  }

  public static void unregister(Type type, URI managerUri, String cacheName) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(type, managerUri, cacheName);
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (JMException e) {
      throw new CacheException("Cannot unregister MBean " + name, e);
    }
  }

  /** ObjectName values may not contain these characters unquoted; the JCache convention replaces them. */
  private static String sanitize(String text) {
    return text.replaceAll("[,:=\n*?\"]", ".");
  }
}
