package io.pgjcache.benchmarks.nearcache;

import java.io.Serializable;

/** A small Serializable record, the second kind of cached value (the first is a String of about 100 characters). */
public record Quote(String symbol, long priceMicros, int volume, long timestamp) implements Serializable {
}
