package io.pgjcache.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgjcache.PgCacheManager;
import io.pgjcache.testing.ListenerRole;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code pgjcache} health contributor and meters in a Spring Boot 4 application, where health moved to the
 * spring-boot-health module: health turns to "listener down, near caches bypassed" when the LISTEN connection's
 * backend is terminated (and its role may not log in), back when it returns, through the endpoint and a group;
 * meters move as the cache works.
 */
class Boot4HealthAndMetricsIT {
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private final ListenerRole listener = new ListenerRole(TestDatabase.url());
  private ConfigurableApplicationContext context;

  @AfterEach
  void stop() {
    if (context != null) {
      context.close();
    }
    listener.drop();
  }

  private IndicatedHealthDescriptor pgjcache() {
    return (IndicatedHealthDescriptor) context.getBean(HealthEndpoint.class).healthForPath("pgjcache");
  }

  private boolean listenerIs(String state) {
    return state.equals(pgjcache().getDetails().get("listener"));
  }

  @Test
  void health_followsTheListenConnection_andMetersMove() {
    listener.create();
    context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE).properties(
        "spring.datasource.url=" + TestDatabase.url(),
        "pgjcache.schema=" + TestDatabase.freshSchema(), "pgjcache.jdbc.url=",
        "pgjcache.listen.url=" + listener.url(),
        "spring.cache.cache-names=books",
        "management.endpoint.health.show-details=always",
        "management.endpoint.health.group.caches.include=pgjcache").run();
    await().atMost(WITHIN).until(() -> listenerIs("LIVE"));
    assertThat(pgjcache().getStatus()).isEqualTo(Status.UP);
    assertThat(pgjcache().getDetails()).containsEntry("nearCaches", "serving");
    CompositeHealthDescriptor group = (CompositeHealthDescriptor) context.getBean(HealthEndpoint.class)
        .healthForPath("caches");
    assertThat(group.getComponents()).containsOnlyKeys("pgjcache");

    MeterRegistry registry = context.getBean(MeterRegistry.class);
    Cache books = context.getBean(CacheManager.class).getCache("books");
    books.put("isbn-1", "Dune");
    assertThat(registry.get("pgjcache.database.calls").tags("cache", "books", "operation", "put")
        .functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("pgjcache.listener.up").gauge().value()).isEqualTo(1);

    listener.cut(context.getBean(javax.cache.CacheManager.class).unwrap(PgCacheManager.class).getMetrics()
        .getListenerBackendPid());

    await().atMost(WITHIN).until(() -> listenerIs("DOWN"));
    Map<String, Object> degraded = pgjcache().getDetails();
    assertThat(pgjcache().getStatus()).isEqualTo(Status.UP);
    assertThat(degraded).containsEntry("nearCaches", "bypassed").containsKey("listenerDownSince");
    assertThat(registry.get("pgjcache.listener.up").gauge().value()).isZero();

    listener.restore();

    await().atMost(WITHIN).until(() -> listenerIs("LIVE"));
    assertThat(pgjcache().getDetails()).containsEntry("listenerReconnects", 1L);
    assertThat(registry.get("pgjcache.listener.reconnects").functionCounter().count()).isEqualTo(1);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableCaching
  static class Application {
  }
}
