package io.pgjcache.internal.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Maps user-chosen names to SQL identifiers. A cache name is user input: it never reaches SQL text
 * itself. Its table name is a lowercase ASCII slug of it plus a hash of the whole name, and every
 * identifier is double-quoted with embedded quotes doubled.
 */
public final class Identifiers {
  private static final int SLUG_LENGTH = 40;
  private static final int HASH_HEX_LENGTH = 12;
  private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");

  private Identifiers() {
  }

  /** The table name for a cache: {@code c_<slug>_<hash>}, at most 55 characters, only {@code [a-z0-9_]}. */
  public static String tableName(String cacheName) {
    // Decomposing splits "è" into "e" and a combining accent; the accents are dropped, not made separators.
    String ascii = COMBINING_MARKS.matcher(Normalizer.normalize(cacheName, Normalizer.Form.NFKD)).replaceAll("")
        .toLowerCase(Locale.ROOT);
    StringBuilder slug = new StringBuilder();
    for (int i = 0; i < ascii.length() && slug.length() < SLUG_LENGTH; i++) {
      char c = ascii.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        slug.append(c);
      } else if (slug.length() > 0 && slug.charAt(slug.length() - 1) != '_') {
        slug.append('_');
      }
    }
    while (slug.length() > 0 && slug.charAt(slug.length() - 1) == '_') {
      slug.setLength(slug.length() - 1);
    }
    return "c_" + slug + (slug.length() == 0 ? "" : "_") + hashHex(cacheName);
  }

  /**
   * The LISTEN/NOTIFY channel of a schema: {@code pgjcache_<hash>}. A channel name is limited to 63 bytes,
   * so it is derived from the schema rather than containing it.
   */
  public static String channel(String schema) {
    return "pgjcache_" + hashHex(schema);
  }

  /** The channel on which nodes publish entry events of a schema's caches to each other. */
  public static String eventsChannel(String schema) {
    return channel(schema) + "_events";
  }

  /** The event trigger that announces dropped cache tables of a schema (event triggers are database-wide). */
  public static String droppedTableTrigger(String schema) {
    return channel(schema) + "_dropped";
  }

  /** A double-quoted identifier, safe for any text without NUL characters. */
  public static String quote(String identifier) {
    if (identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("An identifier cannot contain a NUL character");
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** {@code "schema"."name"}. */
  public static String qualified(String schema, String name) {
    return quote(schema) + "." + quote(name);
  }

  /** Rejects cache names PostgreSQL cannot store as text. */
  public static String requireValidCacheName(String cacheName) {
    if (cacheName.isEmpty()) {
      throw new IllegalArgumentException("A cache name cannot be empty");
    }
    if (cacheName.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("A cache name cannot contain a NUL character");
    }
    return cacheName;
  }

  private static String hashHex(String name) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_HEX_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
