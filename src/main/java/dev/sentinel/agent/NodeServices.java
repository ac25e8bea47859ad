package dev.sentinel.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's services a node kind may use (the cost ledger, the budget guard, the model rate
 * limiter, whatever a plugin's kind needs), looked up by their type. The agent package names
 * none of them: the packages that define them depend on this one, never the other way round.
 */
public final class NodeServices {

  private final Map<Class<?>, Object> byType;

  private NodeServices(Map<Class<?>, Object> byType) {
    this.byType = Map.copyOf(byType);
  }

  /** Each service is found by its own class. */
  public static NodeServices of(Object... services) {
    Map<Class<?>, Object> m = new LinkedHashMap<>();
    for (Object s : services) m.put(s.getClass(), s);
    return new NodeServices(m);
  }

  /** A service a kind can do without (e.g. the meters: a worker built without them still runs). */
  public <T> Optional<T> find(Class<T> type) {
    return Optional.ofNullable(byType.get(type)).map(type::cast);
  }

  /** @throws IllegalStateException when the worker runs no such service */
  public <T> T require(Class<T> type) {
    Object s = byType.get(type);
    if (s == null) throw new IllegalStateException("this worker runs no " + type.getSimpleName() + " (known: " + byType.keySet() + ")");
    return type.cast(s);
  }
}
