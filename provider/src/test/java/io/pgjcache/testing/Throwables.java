package io.pgjcache.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Looks through an exception the way a user reading a log would. */
public final class Throwables {
  private Throwables() {
  }

  /** The exception and its causes, outermost first. */
  public static List<Throwable> chain(Throwable thrown) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = thrown; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  /** Every message and {@code toString()} of the chain, then the printed stack trace with suppressed ones. */
  public static String everythingPrinted(Throwable thrown) {
    StringWriter text = new StringWriter();
    for (Throwable t : chain(thrown)) {
      text.append(t.getMessage()).append('\n').append(t.toString()).append('\n');
    }
    thrown.printStackTrace(new PrintWriter(text));
    return text.toString();
  }
}
