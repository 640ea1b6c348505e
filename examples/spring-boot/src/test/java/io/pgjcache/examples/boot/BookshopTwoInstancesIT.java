package io.pgjcache.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgjcache.embedded.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two instances of the bookshop on random ports and one PostgreSQL, driven over HTTP: what one instance
 * writes, the other reads, from the shared cache.
 */
class BookshopTwoInstancesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static ConfigurableApplicationContext instanceA;
  private static ConfigurableApplicationContext instanceB;

  @BeforeAll
  static void startDatabaseAndTwoInstances() {
    String url = System.getenv("PGJCACHE_JDBC_URL");
    if (url == null || url.isBlank()) {
      url = EmbeddedServer.jdbcUrl();
    }
    instanceA = start(url, "bookshop-a");
    instanceB = start(url, "bookshop-b");
  }

  @AfterAll
  static void stopAll() {
    if (instanceB != null) {
      instanceB.close();
    }
    if (instanceA != null) {
      instanceA.close();
    }
  }

  private static ConfigurableApplicationContext start(String url, String name) {
    return new SpringApplicationBuilder(BookshopApplication.class)
        .properties("server.port=0", "spring.datasource.url=" + url, "spring.application.name=" + name,
            // An inherited PGJCACHE_JDBC_URL would give the caches a pool of their own; keep the shared one.
            "pgjcache.jdbc.url=")
        .run();
  }

  @Test
  void writeThroughA_isSeenOnTheNextReadThroughB() throws Exception {
    assertThat(put(instanceA, new Book("978-0441172719", "Dune", 3)).statusCode()).isEqualTo(200);
    assertThat(get(instanceB, "978-0441172719")).isEqualTo(new Book("978-0441172719", "Dune", 3));

    put(instanceA, new Book("978-0441172719", "Dune", 2));
    // B's near cache hears of A's change through a notification, within milliseconds.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(get(instanceB, "978-0441172719")).isEqualTo(new Book("978-0441172719", "Dune", 2)));
  }

  @Test
  void readsThroughB_comeFromTheCacheThatAFilled_notFromTheTable() throws Exception {
    put(instanceA, new Book("978-0547928227", "The Hobbit", 5));
    // Changed behind both instances' backs: only a read that reaches the table would see it.
    table().update("UPDATE books SET title = 'changed in SQL' WHERE isbn = '978-0547928227'");

    assertThat(get(instanceB, "978-0547928227").title()).isEqualTo("The Hobbit");
    assertThat(get(instanceA, "978-0547928227").title()).isEqualTo("The Hobbit");
  }

  @Test
  void deleteThroughB_evictsForA() throws Exception {
    put(instanceA, new Book("978-0060850524", "Brave New World", 1));
    assertThat(get(instanceA, "978-0060850524")).isNotNull();

    assertThat(send(instanceB, HttpRequest.newBuilder(uri(instanceB, "978-0060850524")).DELETE()).statusCode())
        .isEqualTo(204);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(send(instanceA, HttpRequest.newBuilder(uri(instanceA, "978-0060850524")).GET()).statusCode())
            .isEqualTo(404));
  }

  @Test
  void cacheMetrics_areExposedByTheActuator() throws Exception {
    put(instanceA, new Book("978-0451524935", "1984", 4));
    get(instanceB, "978-0451524935");
    HttpResponse<String> metrics = send(instanceB, HttpRequest.newBuilder(URI.create(
        "http://localhost:" + port(instanceB) + "/actuator/metrics/cache.gets?tag=cache:books&tag=result:hit")).GET());
    assertThat(metrics.statusCode()).isEqualTo(200);
    double hits = JSON.readTree(metrics.body()).at("/measurements/0/value").asDouble();
    assertThat(hits).isGreaterThanOrEqualTo(1);
  }

  @Test
  void pgjcacheHealthAndMetrics_areExposedByTheActuator() throws Exception {
    HttpResponse<String> health = send(instanceA, HttpRequest.newBuilder(actuator(instanceA, "health/cache")).GET());
    assertThat(health.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode pgjcache = JSON.readTree(send(instanceA, HttpRequest.newBuilder(actuator(instanceA,
          "health/pgjcache")).GET()).body());
      assertThat(pgjcache.at("/status").asText()).isEqualTo("UP");
      assertThat(pgjcache.at("/details/listener").asText()).isEqualTo("LIVE");
      assertThat(pgjcache.at("/details/nearCaches").asText()).isEqualTo("serving");
    });

    put(instanceA, new Book("978-0743273565", "The Great Gatsby", 2));
    get(instanceA, "978-0743273565");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      get(instanceA, "978-0743273565");
      HttpResponse<String> hits = send(instanceA, HttpRequest.newBuilder(actuator(instanceA,
          "metrics/pgjcache.near.gets?tag=cache:books&tag=result:hit")).GET());
      assertThat(hits.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(hits.body()).at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(1);
    });
  }

  private static URI actuator(ConfigurableApplicationContext instance, String path) {
    return URI.create("http://localhost:" + port(instance) + "/actuator/" + path);
  }

  private static JdbcTemplate table() {
    return instanceA.getBean(JdbcTemplate.class);
  }

  private static Book get(ConfigurableApplicationContext instance, String isbn) throws Exception {
    HttpResponse<String> response = send(instance, HttpRequest.newBuilder(uri(instance, isbn)).GET());
    assertThat(response.statusCode()).as("GET %s", isbn).isEqualTo(200);
    return JSON.readValue(response.body(), Book.class);
  }

  private static HttpResponse<String> put(ConfigurableApplicationContext instance, Book book) throws Exception {
    return send(instance, HttpRequest.newBuilder(uri(instance, book.isbn()))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(book))));
  }

  private static HttpResponse<String> send(ConfigurableApplicationContext instance, HttpRequest.Builder request)
      throws Exception {
    return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(ConfigurableApplicationContext instance, String isbn) {
    return URI.create("http://localhost:" + port(instance) + "/books/" + isbn);
  }

  private static String port(ConfigurableApplicationContext instance) {
    return instance.getEnvironment().getProperty("local.server.port");
  }
}
