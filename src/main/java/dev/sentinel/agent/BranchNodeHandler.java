package dev.sentinel.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code branch}: chooses the next node from the state. Its choices are its conditional edges
 * (tried in order, then the default); the node itself only records nothing, and the graph
 * follows the first edge whose condition holds.
 */
public final class BranchNodeHandler implements NodeHandler {

  @Override public String name() { return "branch"; }

  @Override public Future<JsonObject> run(NodeContext ctx) {
    return Future.succeededFuture(new JsonObject());
  }
}
