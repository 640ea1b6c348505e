package io.pgjcache.examples.boot;

import io.pgjcache.embedded.EmbeddedServer;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets the example run on a machine without PostgreSQL: when no {@code spring.datasource.url} is configured,
 * points the application at the embedded PostgreSQL of {@code pgjcache-embedded} (started once per JVM,
 * discarded when it exits). A real deployment sets {@code spring.datasource.url} and never gets here.
 */
public class DevelopmentDatabase implements EnvironmentPostProcessor {
  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.containsProperty("spring.datasource.url")) {
      return;
    }
    environment.getPropertySources().addLast(new MapPropertySource("development-database",
        Map.of("spring.datasource.url", EmbeddedServer.jdbcUrl())));
  }
}
