package io.pgjcache.examples.hibernate;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A use case running on a thread of its own, so that a test can hold it, watch it and collect its result. */
final class Background<T> {
  private final FutureTask<T> task;
  private final Thread thread;

  Background(String name, Callable<T> work) {
    this.task = new FutureTask<>(work);
    this.thread = new Thread(task, name);
    thread.setDaemon(true);
  }

  Thread thread() {
    return thread;
  }

  Background<T> start() {
    thread.start();
    return this;
  }

  T result() throws InterruptedException, ExecutionException, TimeoutException {
    return task.get(30, TimeUnit.SECONDS);
  }
}
