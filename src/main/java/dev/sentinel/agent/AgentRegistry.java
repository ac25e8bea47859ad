package dev.sentinel.agent;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Agent types known to this node. Submission refuses unknown ones; workers look graphs up here. */
public final class AgentRegistry {

  private final Map<String, Agent> agents = new TreeMap<>();
  private final NodeKinds kinds;

  public AgentRegistry(NodeKinds kinds) {
    this.kinds = kinds;
  }

  /** Only the noop agent and node kinds that need no clients: for tests of the engine. */
  public static AgentRegistry builtIn() {
    return new AgentRegistry(NodeKinds.builtIn()).register(new NoopAgent());
  }

  public AgentRegistry register(Agent agent) {
    if (agents.putIfAbsent(agent.name(), agent) != null) {
      throw new IllegalArgumentException("agent " + agent.name() + " is registered twice");
    }
    return this;
  }

  public Optional<Agent> find(String name) { return Optional.ofNullable(agents.get(name)); }

  public Set<String> names() { return agents.keySet(); }

  public NodeKinds kinds() { return kinds; }
}
