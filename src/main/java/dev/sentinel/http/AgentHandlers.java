package dev.sentinel.http;

import dev.sentinel.agent.Agent;
import dev.sentinel.agent.AgentGraph;
import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.store.AgentDefinitions;
import dev.sentinel.store.AgentDefinitions.KeptVersion;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static dev.sentinel.http.Access.json;
import static dev.sentinel.http.Access.within;

/**
 * {@code GET /agents} and {@code GET /agents/{agent}/versions/{version}}: the agents this node
 * runs and every graph version Redis keeps (tasks are pinned to one; see
 * dev.sentinel.agent.PinnedGraphs), including agents a redeploy removed while tasks of theirs
 * may still run. Definitions are not tenant data: any caller the API admits may read them.
 */
final class AgentHandlers {

  private final AgentRegistry agents;
  private final AgentDefinitions definitions;

  AgentHandlers(AgentRegistry agents, AgentDefinitions definitions) {
    this.agents = agents;
    this.definitions = definitions;
  }

  void list(RoutingContext rc) {
    within(definitions.agents()).compose(kept -> {
      TreeSet<String> names = new TreeSet<>(agents.names());
      names.addAll(kept);
      List<Future<JsonObject>> each = new ArrayList<>();
      for (String name : names) each.add(within(definitions.versions(name)).map(v -> describe(name, v)));
      return Future.all(each).map(all -> {
        JsonArray out = new JsonArray();
        for (int i = 0; i < each.size(); i++) out.add(all.<JsonObject>resultAt(i));
        return new JsonObject().put("agents", out);
      });
    }).onSuccess(body -> json(rc, 200, body)).onFailure(rc::fail);
  }

  private JsonObject describe(String name, List<KeptVersion> versions) {
    Optional<Agent> here = agents.find(name);
    String deployed = here.flatMap(Agent::fixedGraph).map(AgentGraph::version).orElse(null);
    JsonArray kept = new JsonArray();
    for (KeptVersion v : versions) {
      kept.add(new JsonObject().put("version", v.version())
          .put("registered_at", Instant.ofEpochMilli(v.registeredAt()).toString())
          .put("deployed", v.version().equals(deployed)));
    }
    return new JsonObject()
        .put("name", name)
        .put("description", here.map(Agent::description).orElse(null))
        .put("deployed", here.isPresent())
        .put("graph", here.isEmpty() ? null : here.get().fixedGraph().isPresent() ? "fixed" : "per_params")
        .put("deployed_version", deployed)
        .put("versions", kept);
  }

  void version(RoutingContext rc) {
    String name = rc.pathParam("agent");
    String version = rc.pathParam("version");
    within(definitions.spec(name, version)).onSuccess(spec -> {
      if (spec.isEmpty()) {
        rc.fail(Problem.notFound("Version " + version + " of agent " + name).asException());
        return;
      }
      json(rc, 200, new JsonObject().put("name", name).put("version", version).put("graph", new JsonObject(spec.get())));
    }).onFailure(rc::fail);
  }
}
