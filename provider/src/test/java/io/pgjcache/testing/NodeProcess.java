package io.pgjcache.testing;

import io.pgjcache.PgCachingProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * A cache node in a JVM of its own, driven line by line over stdin and answering on stdout, for tests that
 * need a second process. Settings come from the environment ({@code PGJCACHE_*}) or {@code -Dpgjcache.*}
 * system properties; the one argument names the cache, which must exist.
 *
 * <p>Commands: {@code get <key>}, {@code put <key> <value>}, {@code exit}. Answers start with
 * {@link #ANSWER}: the value, {@code (absent)}, or {@code ok}; a failure answers {@code failed: <exception>}.
 */
public final class NodeProcess {
  public static final String ANSWER = "answer: ";
  public static final String READY = "ready";
  public static final String ABSENT = "(absent)";

  private NodeProcess() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Properties settings = new Properties();
    System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("pgjcache."))
        .forEach(name -> settings.setProperty(name, System.getProperty(name)));
    PgCachingProvider provider =
        (PgCachingProvider) Caching.getCachingProvider(PgCachingProvider.class.getName());
    try (CacheManager manager = provider.getCacheManager(URI.create("test:second-process"),
        NodeProcess.class.getClassLoader(), settings)) {
      Cache<String, String> cache = manager.getCache(args[0], String.class, String.class);
      out.println(cache == null ? ANSWER + "failed: no cache " + args[0] : READY);
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
        out.println(ANSWER + answer(cache, line.split(" ", 3)));
      }
    }
  }

  private static String answer(Cache<String, String> cache, String[] command) {
    try {
      switch (command[0]) {
        case "get" -> {
          String value = cache.get(command[1]);
          return value == null ? ABSENT : value;
        }
        case "put" -> {
          cache.put(command[1], command[2]);
          return "ok";
        }
        default -> {
          return "failed: unknown command " + command[0];
        }
      }
    } catch (RuntimeException e) {
      return "failed: " + e;
    }
  }
}
