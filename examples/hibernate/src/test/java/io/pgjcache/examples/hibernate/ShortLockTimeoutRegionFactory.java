package io.pgjcache.examples.hibernate;

import io.pgjcache.hibernate.PgRegionFactory;
import java.util.concurrent.TimeUnit;

/**
 * pgjcache's region factory with soft locks that time out after two seconds instead of Hibernate's sixty, so that a
 * test can see what happens to a lock whose holder died without waiting a minute. Hibernate's timestamps count
 * 4096 per millisecond.
 */
public final class ShortLockTimeoutRegionFactory extends PgRegionFactory {
  static final long TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(2);

  @Override
  public long getTimeout() {
    return TIMEOUT_MILLIS * 4096;
  }
}
