package io.pgjcache.examples.boot;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets the example run on a machine without PostgreSQL: when no {@code spring.datasource.url} is configured,
 * starts an embedded PostgreSQL (once per JVM, discarded when it exits) and points the application at it.
 * A real deployment sets {@code spring.datasource.url} and never gets here.
 */
public class DevelopmentDatabase implements EnvironmentPostProcessor {
  private static EmbeddedPostgres server;

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.containsProperty("spring.datasource.url")) {
      return;
    }
    environment.getPropertySources().addLast(new MapPropertySource("development-database",
        Map.of("spring.datasource.url", jdbcUrl())));
  }

  private static synchronized String jdbcUrl() {
    if (server == null) {
      try {
        EmbeddedPostgres started = EmbeddedPostgres.builder().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            started.close();
          } catch (IOException e) {
            // The JVM is exiting; at worst a temporary data directory stays behind.
          }
        }, "development-database-stop"));
        server = started;
      } catch (IOException e) {
        throw new UncheckedIOException("Could not start the embedded PostgreSQL; set spring.datasource.url", e);
      }
    }
    return server.getJdbcUrl("postgres", "postgres");
  }
}
