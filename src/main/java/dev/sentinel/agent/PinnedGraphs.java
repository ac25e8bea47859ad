package dev.sentinel.agent;

import dev.sentinel.store.AgentDefinitions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Versioned agents: every task is pinned at submission to the exact graph it will run (its
 * content hash, {@link AgentGraph#version()}), and that graph is kept in Redis by the hash, so a
 * redeploy that changes an agent changes new tasks only. A worker runs a pinned task on its own
 * graph when the hashes agree (the usual case: one hash comparison), else on the kept graph
 * rebuilt with its own node kinds, which also lets tasks of an agent that a redeploy removed
 * finish. A version that cannot run here (not kept, or a node kind this node lacks) fails the
 * claim with a message saying which; the worker retries it with backoff like any failed attempt
 * (another node of a rolling deploy may still have the kind) and it ends failed, never hangs.
 *
 * <p>Only node kinds are code: a change to a kind's implementation is not a new version.
 */
public final class PinnedGraphs {

  /** Graphs rebuilt from Redis, by version; versions are immutable, so entries never go stale. */
  private static final int CACHED = 256;
  /** Versions this node knows Redis keeps; past this many the set starts again (a re-keep is a no-op). */
  private static final int KEPT_REMEMBERED = 10_000;

  private final AgentRegistry agents;
  private final AgentDefinitions definitions;
  private final Map<String, AgentGraph> rebuilt = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
    @Override protected boolean removeEldestEntry(Map.Entry<String, AgentGraph> eldest) { return size() > CACHED; }
  });
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  public PinnedGraphs(AgentRegistry agents, AgentDefinitions definitions) {
    this.agents = agents;
    this.definitions = definitions;
  }

  /**
   * At submission: keeps the graph's version in Redis (once per version and node) and answers
   * the version to pin the task to. Keeping it before the task exists means a worker never sees
   * a task whose version is not kept.
   */
  public Future<String> pin(String agentName, AgentGraph graph) {
    String version = graph.version();
    if (kept.contains(version)) return Future.succeededFuture(version);
    return definitions.keep(agentName, version, GraphSpec.write(graph).encode()).map(isNew -> {
      if (kept.size() >= KEPT_REMEMBERED) kept.clear();
      kept.add(version);
      return version;
    });
  }

  /**
   * The graph a task runs: pinned to {@code version}, or (null: submitted before agents had
   * versions) this node's current one.
   *
   * @return a failed future with {@link VersionUnavailableException} when the version cannot run here
   */
  public Future<AgentGraph> graphFor(String agentName, JsonObject params, String version) {
    Optional<Agent> local = agents.find(agentName);
    RuntimeException refused = null;
    AgentGraph built = null;
    try {
      built = local.map(a -> a.graph(params)).orElse(null);
    } catch (RuntimeException e) {
      refused = e;   // this node's definition no longer takes the params; a pinned task still has its kept graph
    }
    AgentGraph current = built;
    if (refused != null && (version == null || version.isEmpty())) {
      return Future.failedFuture(new VersionUnavailableException("agent '" + agentName + "' cannot build a graph for "
          + "these task_params: " + refused.getMessage()));
    }
    if (version == null || version.isEmpty()) {
      return current != null ? Future.succeededFuture(current)
          : Future.failedFuture(new VersionUnavailableException("agent_type '" + agentName + "' is not known here"));
    }
    if (current != null && current.version().equals(version)) return Future.succeededFuture(current);
    AgentGraph cached = rebuilt.get(version);
    if (cached != null) return Future.succeededFuture(cached);
    return definitions.spec(agentName, version).compose(spec -> {
      if (spec.isEmpty()) {
        return Future.failedFuture(new VersionUnavailableException("agent '" + agentName + "' version " + version
            + " is not kept in Redis" + (current != null ? ", and this node's definition is version " + current.version()
            : local.isPresent() ? ", and this node's definition cannot build a graph for these task_params"
            : ", and this node has no agent of that name")));
      }
      try {
        AgentGraph g = GraphSpec.read(new JsonObject(spec.get()), agents.kinds());
        rebuilt.put(version, g);
        return Future.succeededFuture(g);
      } catch (RuntimeException e) {
        return Future.failedFuture(new VersionUnavailableException("agent '" + agentName + "' version " + version
            + " cannot run here: " + e.getMessage()));
      }
    });
  }

  /** A task's pinned agent version cannot run on this node; the message says why. */
  public static final class VersionUnavailableException extends RuntimeException {
    public VersionUnavailableException(String message) {
      super(message);
    }
  }
}
