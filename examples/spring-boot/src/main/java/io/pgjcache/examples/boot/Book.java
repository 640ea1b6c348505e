package io.pgjcache.examples.boot;

import java.io.Serializable;

/** A book of the shop: cached by value, so it is serializable. */
public record Book(String isbn, String title, int stock) implements Serializable {
}
