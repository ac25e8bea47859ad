package dev.sentinel.metrics;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the values one label may take. Every distinct label value is a time series that
 * Prometheus keeps for as long as it retains data, so a label fed by callers (tenant ids,
 * task types) must not grow without end: the first {@code cap} values this node sees keep their
 * name, named ones ({@code always}) keep it beyond the cap, and every later one is {@link #OTHER}.
 * Which values are "first" depends on the node's history: list the tenants that matter in
 * {@code metrics.tenants} to have the same series on every node.
 */
public final class LabelCap {

  /** The shared value of labels past the cap. Parentheses: no tenant id or task type can be spelled so. */
  public static final String OTHER = "(other)";
  /** The value of a label whose source was empty (a task submitted without a task_type). */
  public static final String NONE = "(none)";

  private final int cap;
  private final Set<String> always;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();

  public LabelCap(int cap, Collection<String> always) {
    this.cap = cap;
    this.always = Set.copyOf(always);
  }

  public String value(String raw) {
    if (raw == null || raw.isEmpty()) return NONE;
    if (always.contains(raw) || admitted.contains(raw)) return raw;
    synchronized (this) {   // only new values get here: rare once the cap is reached
      if (admitted.size() < cap) {
        admitted.add(raw);
        return raw;
      }
    }
    return OTHER;
  }
}
