package io.pgjcache.internal.processor;

import javax.cache.CacheException;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/** The per-key results {@code invokeAll} returns. */
public final class ProcessorResults {
  private ProcessorResults() {
  }

  /** A result whose {@code get()} throws the failure, as an {@link EntryProcessorException}. */
  public static <T> EntryProcessorResult<T> failure(CacheException failure) {
    EntryProcessorException thrown = failure instanceof EntryProcessorException processorFailure
        ? processorFailure : new EntryProcessorException(failure);
    return () -> {
      throw thrown;
    };
  }
}
