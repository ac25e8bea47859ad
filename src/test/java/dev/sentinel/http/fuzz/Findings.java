package dev.sentinel.http.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fuzz run found, by kind: all of it printed to the test's output, the first few of each
 * kind in the failure message.
 */
public final class Findings {

  private static final int PRINTED = 500;

  private final String who;
  private final Map<String, List<String>> byKind = new LinkedHashMap<>();

  /** @param who the prefix of every printed line (the test's name) */
  public Findings(String who) {
    this.who = who;
  }

  public void add(String kind, String finding) {
    byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(finding);
  }

  public boolean isEmpty() { return byKind.isEmpty(); }

  public int count(String kind) { return byKind.getOrDefault(kind, List.of()).size(); }

  /** Every finding (up to 500 of a kind) to standard output, which surefire keeps in the report. */
  public void print() {
    byKind.forEach((kind, items) -> {
      System.out.println(who + ": " + items.size() + " " + kind + ":");
      items.stream().limit(PRINTED).forEach(s -> System.out.println("  " + s));
    });
  }

  /** The first {@code shown} findings of each kind, for a failure message. */
  public String summary(int shown) {
    StringBuilder out = new StringBuilder();
    byKind.forEach((kind, items) -> {
      out.append('\n').append(items.size()).append(' ').append(kind)
          .append(items.size() > shown ? " (first " + shown + "; all in the test output)" : "").append(":\n");
      items.stream().limit(shown).forEach(s -> out.append("  ").append(s).append('\n'));
    });
    return out.toString();
  }
}
