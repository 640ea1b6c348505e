package io.pgjcache.internal;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * Closing what applications hand us through factories (loaders, writers, listeners, filters, expiry
 * policies): the specification says a closing cache closes those that are {@link Closeable}, and a failure
 * to close one must not stop the others.
 */
public final class Closeables {
  private static final System.Logger LOG = System.getLogger(Closeables.class.getName());

  private Closeables() {
  }

  /** Closes the object if it is {@link Closeable}; a failure is logged at DEBUG and otherwise ignored. */
  public static void closeQuietly(Object resource) {
    if (resource instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.DEBUG, "pgjcache: closing " + resource.getClass().getName() + " failed", e);
      }
    }
  }
}
