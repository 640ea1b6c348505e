package io.pgjcache;

import java.util.Properties;

/**
 * The read-modify-write races of {@link AtomicityIT} on caches of the earlier form, which key every row by its
 * digest and whose plain writes still take their keys' advisory locks: the form a cache keeps while nodes of earlier
 * versions may share it.
 */
class AtomicityOfDigestKeyedCachesIT extends AtomicityIT {
  @Override
  Properties nodeProperties() {
    Properties digestsOnly = new Properties();
    digestsOnly.setProperty("pgjcache.verbatim-short-keys", "false");
    return digestsOnly;
  }
}
