/**
 * A private PostgreSQL for demos, tests and local development: with this artifact on the class path, a cache
 * manager that has no JDBC URL configured runs on a server started for the JVM. Production sets a URL and
 * leaves this artifact out.
 */
package io.pgjcache.embedded;
