package io.pgjcache.examples;

import java.io.Serializable;

/**
 * The demo's cache value: a small application object. Any {@link Serializable} class can be cached;
 * it is stored by value, so every node reads its own copy.
 */
public record UserProfile(String name, String plan) implements Serializable {
  private static final long serialVersionUID = 1L;
}
