package dev.sentinel.agent;

/** An unconditional edge. Conditional edges (reading the state) come with the agent definitions. */
public record Edge(String from, String to) {}
