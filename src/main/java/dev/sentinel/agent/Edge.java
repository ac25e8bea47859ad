package dev.sentinel.agent;

/** An edge; {@code when} null means unconditional (the default). Edges of a node are tried in order. */
public record Edge(String from, String to, Condition when) {
  public Edge(String from, String to) {
    this(from, to, null);
  }
}
