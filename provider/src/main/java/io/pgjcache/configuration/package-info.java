/**
 * The provider's settings: {@link io.pgjcache.configuration.Setting} names every one, with its default, its meaning
 * and the typed readers that parse it. It depends on nothing else of the provider, so that the provider's internal
 * packages can read settings without depending on the API package that in turn uses them.
 */
package io.pgjcache.configuration;
