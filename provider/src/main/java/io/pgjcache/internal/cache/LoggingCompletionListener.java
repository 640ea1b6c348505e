package io.pgjcache.internal.cache;

import java.lang.System.Logger.Level;
import javax.cache.integration.CompletionListener;

/** Stands in for the completion listener a caller of {@code loadAll} did not give: a failure is only logged. */
public enum LoggingCompletionListener implements CompletionListener {
  INSTANCE;

  private static final System.Logger LOG = System.getLogger(LoggingCompletionListener.class.getName());

  @Override
  public void onCompletion() {
  }

  @Override
  public void onException(Exception e) {
    LOG.log(Level.WARNING, "pgjcache: loadAll failed", e);
  }
}
