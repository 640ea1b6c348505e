/**
 * Service interfaces that other artifacts implement and the provider discovers with
 * {@link java.util.ServiceLoader}; the provider never refers to an implementation by name.
 */
package io.pgjcache.spi;
