package dev.sentinel.bench;

import java.util.ArrayList;
import java.util.List;

/** A Markdown table printed as it would be pasted into BENCHMARKS.md. */
public final class MarkdownTable {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public MarkdownTable(String... header) {
    this.header = List.of(header);
  }

  public MarkdownTable row(Object... cells) {
    if (cells.length != header.size()) throw new IllegalArgumentException("expected " + header.size() + " cells");
    List<String> row = new ArrayList<>();
    for (Object c : cells) row.add(String.valueOf(c));
    rows.add(row);
    return this;
  }

  @Override public String toString() {
    StringBuilder s = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
    header.forEach(h -> s.append("---|"));
    s.append('\n');
    for (List<String> r : rows) s.append("| ").append(String.join(" | ", r)).append(" |\n");
    return s.toString();
  }

  /** 12345.6 -> "12,346": figures as BENCHMARKS.md writes them. */
  public static String n(double v) { return String.format("%,.0f", v); }

  public static String n1(double v) { return String.format("%,.1f", v); }

  public static String n2(double v) { return String.format("%.2f", v); }
}
