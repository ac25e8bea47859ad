package dev.sentinel.samples;

import dev.sentinel.Main;
import dev.sentinel.agent.NodeContext;
import dev.sentinel.agent.NodeHandler;
import dev.sentinel.agent.Template;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * A sample node kind written in Java, the way a third party writes one: it uses only the public
 * SPI ({@link NodeHandler}, {@link NodeContext}, {@link Template}) and is found by
 * {@link ServiceLoader} through its line in
 * {@code META-INF/services/NodeHandler}. Put both in a jar and start
 * Sentinel with it on the class path ({@code java -cp sentinel.jar:my-nodes.jar Main});
 * agents then use the kind by its {@link #name()}:
 *
 * <pre>
 * score:
 *   kind: keyword_score
 *   text: "{{ticket}}"                       # a template over the task state
 *   keywords: [down, outage, data loss]
 *   next: route                              # e.g. a branch on {path: score.score, op: gt, value: 1}
 * </pre>
 *
 * Output, merged into the state under the node's name (or its output_key):
 * {@code {"score": 2, "matched": ["down", "outage"]}}, the matched keywords in the order listed.
 *
 * <p>What the SPI asks of a kind: a public no-argument constructor (ServiceLoader builds one
 * instance per node process, shared by every task, so it keeps no per-task state); a name no
 * other kind uses (a clash stops the node at start-up); {@code run} must not block, as it runs
 * on a worker's event loop (blocking work goes through {@code ctx.vertx().executeBlocking});
 * a failed future is a node failure, retried by the node's {@code retry} setting and then by
 * the task's attempts, with its message in the task's error. This one only computes, so it
 * answers at once.
 */
public final class KeywordScoreNode implements NodeHandler {

  @Override public String name() { return "keyword_score"; }

  @Override public Future<JsonObject> run(NodeContext ctx) {
    JsonObject cfg = ctx.node().config();
    // the loader checks only what every kind has (kind, next, edges): a kind checks its own
    // settings when it runs, and says which node of which agent is wrong
    if (!(cfg.getValue("keywords") instanceof JsonArray listed) || listed.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException(
          "keyword_score node '" + ctx.node().name() + "': 'keywords' must be a non-empty list of words"));
    }
    String text = Template.render(cfg.getString("text", ""), ctx.state()).toLowerCase(Locale.ROOT);
    List<String> matched = new ArrayList<>();
    for (Object k : listed) {
      String keyword = String.valueOf(k);
      if (text.contains(keyword.toLowerCase(Locale.ROOT))) matched.add(keyword);
    }
    return Future.succeededFuture(new JsonObject().put("score", matched.size()).put("matched", new JsonArray(matched)));
  }
}
