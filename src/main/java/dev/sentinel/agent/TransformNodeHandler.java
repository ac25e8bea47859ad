package dev.sentinel.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code transform}: reshapes the state with templates ({@code output: {key: "{{path}}"}}), no I/O. */
public final class TransformNodeHandler implements NodeHandler {

  @Override public String name() { return "transform"; }

  @Override public Future<JsonObject> run(NodeContext ctx) {
    Object rendered = Template.renderJson(ctx.node().config().getValue("output", new JsonObject()), ctx.state());
    return Future.succeededFuture(rendered instanceof JsonObject o ? o : new JsonObject().put("value", rendered));
  }
}
