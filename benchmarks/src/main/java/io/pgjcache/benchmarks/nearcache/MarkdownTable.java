package io.pgjcache.benchmarks.nearcache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A Markdown table built row by row; numbers are formatted by the caller. */
final class MarkdownTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  MarkdownTable(String... header) {
    this.header = List.of(header);
  }

  MarkdownTable row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
    }
    rows.add(Arrays.stream(cells).map(String::valueOf).toList());
    return this;
  }

  String render() {
    StringBuilder out = new StringBuilder();
    line(out, header);
    out.append('|');
    header.forEach(h -> out.append("---|"));
    out.append('\n');
    rows.forEach(r -> line(out, r));
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells) {
    out.append('|');
    cells.forEach(c -> out.append(' ').append(c.replace("|", "\\|")).append(" |"));
    out.append('\n');
  }

  /** A whole number with thousands separators: 12,345. */
  static String count(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  /** A number with the given number of decimals. */
  static String decimal(double value, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  /** Nanoseconds as milliseconds with two decimals. */
  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
  }
}
