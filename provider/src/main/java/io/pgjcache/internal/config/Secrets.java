package io.pgjcache.internal.config;

import java.util.regex.Pattern;

/** Masks credentials in text that may reach a log or an exception message. */
public final class Secrets {
  public static final String MASK = "****";

  // Any ...password=... parameter (pgjdbc's password and sslpassword) and user:password@ in the authority part.
  private static final Pattern QUERY_PASSWORD =
      Pattern.compile("(?i)((?:^|[?&;])[^?&;=]*password=)[^&;]*");
  private static final Pattern AUTHORITY_PASSWORD = Pattern.compile("(//[^/:@?]*:)[^@/?]*(@)");
  private static final Pattern USER_INFO = Pattern.compile("^[^/?#]*//[^/?#@]*@");

  private Secrets() {
  }

  /** The URL with every password replaced by {@link #MASK}; null stays null. */
  public static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    String masked = QUERY_PASSWORD.matcher(url).replaceAll("$1" + MASK);
    return AUTHORITY_PASSWORD.matcher(masked).replaceAll("$1" + MASK + "$2");
  }

  /** Whether the URL names a user (and maybe a password) before the host: {@code //user:password@host}. */
  public static boolean hasUserInfo(String url) {
    return url != null && USER_INFO.matcher(url).find();
  }
}
