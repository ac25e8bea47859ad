package dev.sentinel.agentloop;

import dev.sentinel.agent.Condition;
import dev.sentinel.agent.LeaseDeadlinePassedException;
import dev.sentinel.agent.NodeCancelledException;
import dev.sentinel.agent.NodeContext;
import dev.sentinel.agent.NodeHandler;
import dev.sentinel.agent.TaskCannotSucceedException;
import dev.sentinel.agent.Template;
import dev.sentinel.llm.LlmNodeHandler;
import dev.sentinel.llm.ToolCall;
import dev.sentinel.tools.Tool;
import dev.sentinel.tools.ToolCatalog;
import dev.sentinel.tools.ToolResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code agent}: the durable tool-calling loop. The model is offered the node's tools, asks for
 * calls, reads their answers and decides again, until it answers or {@code max_turns} model
 * turns were made.
 *
 * <p><b>How the loop maps onto steps.</b> The engine commits one step per node run, so the
 * node runs once per model turn and once per tool call, and re-enters itself through the graph:
 * the loader gives every agent node an edge to itself taken while {@code <output_key>.done} is
 * false ({@link #repeatsWhile}), tried before the node's own edges. Each run does exactly one
 * thing and returns the whole loop ({@link Conversation}) as its output, which the engine commits
 * as the step, fenced by (epoch, claim) like every other: no new write path, no new script.
 * <ul>
 *   <li>no unfinished loop in the state (first visit): build the messages (system, prompt) and
 *   make the first model turn;</li>
 *   <li>tool calls pending: run the first one (with the step's idempotency key
 *   {@code task_id:step} and the fencing token), commit its answer;</li>
 *   <li>none pending: the next model turn (budget, rate limits and cost exactly as an llm
 *   node's: {@link LlmNodeHandler#complete}).</li>
 * </ul>
 * A crash therefore resumes at the first uncommitted step: a committed tool call is never run
 * again (its answer is in the history), an unfinished one is run again at the same step number,
 * so with the same idempotency key. Parallel calls of one turn run one after another, one step
 * each, in the model's order. A call of a tool whose MCP server cannot be reached fails the step
 * (retried like any node's) rather than telling the model there is no such tool; a name the
 * node does not offer, arguments that are not JSON, or a tool's own error are told to the model.
 *
 * <p>The cost of this choice: each step records the conversation so far (the history is the
 * checkpoint), so a loop's history grows with the square of its length; max_turns bounds it.
 * Recording only each step's new messages and rebuilding the conversation from all of them
 * would make it linear; the engine's merge keeps only the latest output per key today.
 *
 * <p>Settings: {@code model} (priced), {@code system} and {@code prompt} (templates over the
 * state), {@code tools} (names or glob patterns, see {@link ToolCatalog}), {@code max_turns}
 * (default {@value #DEFAULT_MAX_TURNS}), {@code max_tokens}, {@code temperature}. Output, under
 * the node's output key: {@code {messages, pending, turns, tools_called, done, answer, step}},
 * {@code step} telling what this step did (a model turn with its call_id, usage and cost, or a
 * tool call with its arguments and answer).
 */
public final class AgentNodeHandler implements NodeHandler {

  public static final String KIND = "agent";
  static final int DEFAULT_MAX_TURNS = 10;
  /**
   * A tool's answer is cut to this many characters: it is committed with every later step of the
   * loop and sent with every later turn, so one huge answer would make both grow without bound.
   */
  static final int MAX_RESULT_CHARS = 20_000;

  private final LlmNodeHandler llm;
  private final ToolCatalog tools;

  public AgentNodeHandler(LlmNodeHandler llm, ToolCatalog tools) {
    this.llm = llm;
    this.tools = tools;
  }

  @Override public String name() { return KIND; }

  @Override public Condition repeatsWhile(String outputKey) {
    return new Condition(outputKey + ".done", "equals", false);
  }

  @Override public void check(JsonObject cfg) {
    if (cfg.containsKey("max_turns") && !(cfg.getValue("max_turns") instanceof Integer n && n > 0)) {
      throw new IllegalArgumentException("max_turns must be a whole number, at least 1");
    }
    Object t = cfg.getValue("tools");
    if (t != null && !(t instanceof JsonArray a && a.stream().allMatch(x -> x instanceof String s && !s.isBlank()))) {
      throw new IllegalArgumentException("tools must be a list of tool names or patterns, e.g. [http, \"everything__*\"]");
    }
    if (cfg.getValue("output_key", "") == null) throw new IllegalArgumentException("an agent node needs an output_key");
  }

  @Override public Future<JsonObject> run(NodeContext ctx) {
    JsonObject cfg = ctx.node().config();
    Conversation saved = Conversation.unfinished(ctx.state().getValue(outputKey(ctx)));
    if (saved != null && !saved.pending().isEmpty()) return callTool(ctx, saved);
    return modelTurn(ctx, saved != null ? saved
        : Conversation.start(cfg.getString("system") == null ? null : Template.render(cfg.getString("system"), ctx.state()),
            Template.render(cfg.getString("prompt", "{{question}}"), ctx.state())));
  }

  private Future<JsonObject> modelTurn(NodeContext ctx, Conversation c) {
    JsonObject cfg = ctx.node().config();
    int maxTurns = cfg.getInteger("max_turns", DEFAULT_MAX_TURNS);
    if (c.turns() >= maxTurns) {
      return Future.failedFuture(new TaskCannotSucceedException("agent node " + ctx.node().name() + ": no answer after max_turns "
          + maxTurns + " model turns (" + c.toolCalls() + " tool calls)"));
    }
    Double temperature = cfg.getValue("temperature") instanceof Number n ? n.doubleValue() : null;
    return offered(cfg).compose(list -> llm.complete(ctx, cfg.getString("model"), c.messages(), temperature,
            cfg.getInteger("max_tokens", LlmNodeHandler.DEFAULT_MAX_TOKENS), list.stream().map(Tool::spec).toList()))
        .map(out -> {
          List<ToolCall> calls = new ArrayList<>();
          out.getJsonArray("tool_calls", new JsonArray()).forEach(j -> calls.add(ToolCall.fromJson((JsonObject) j)));
          JsonObject step = out.copy().put("kind", "model_turn").put("turn", c.turns() + 1);
          return c.afterTurn(out.getString("text", ""), calls).toJson(step);
        });
  }

  private Future<JsonObject> callTool(NodeContext ctx, Conversation c) {
    ToolCall call = c.pending().get(0);
    // a zombie (its lease surely gone) must not start a call the next owner will make again
    if (ctx.cancellation().isCancelled()) return Future.failedFuture(new NodeCancelledException(ctx.cancellation().reason()));
    if (!ctx.leaseHeld().getAsBoolean()) return Future.failedFuture(new LeaseDeadlinePassedException("tool call " + call.name()));
    return tools.find(patterns(ctx.node().config()), call.name()).compose(tool -> {
      if (tool.isEmpty()) return Future.succeededFuture(new ToolResult("no tool named '" + call.name() + "' is offered", true));
      JsonObject arguments;
      try {
        arguments = call.argumentsJson();
      } catch (RuntimeException e) {
        return Future.succeededFuture(new ToolResult("the arguments are not a JSON object: " + e.getMessage(), true));
      }
      return cancellable(ctx, tool.get().call(ctx, arguments));
    }).map(result -> {
      String answer = result.text().length() <= MAX_RESULT_CHARS ? result.text()
          : result.text().substring(0, MAX_RESULT_CHARS) + "\n[cut: the tool answered " + result.text().length() + " characters]";
      String text = result.error() ? "error: " + answer : answer;
      JsonObject step = new JsonObject().put("kind", "tool_call").put("tool", call.name()).put("call_id", call.id())
          .put("arguments", call.arguments()).put("result", answer).put("is_error", result.error())
          .put("idempotency_key", ctx.idempotencyKey());
      return c.afterTool(call, text).toJson(step);
    });
  }

  /** The tools this node offers: those of the catalog its {@code tools} patterns name. */
  private Future<List<Tool>> offered(JsonObject cfg) {
    List<String> patterns = patterns(cfg);
    return patterns.isEmpty() ? Future.succeededFuture(List.of()) : tools.matching(patterns);
  }

  private static List<String> patterns(JsonObject cfg) {
    return cfg.getJsonArray("tools", new JsonArray()).stream().map(String::valueOf).toList();
  }

  /** A cancelled run stops waiting for the tool (the tool may still finish: its key lets it drop a re-run). */
  private static <T> Future<T> cancellable(NodeContext ctx, Future<T> call) {
    Promise<T> result = Promise.promise();
    ctx.cancellation().onCancel(() -> result.tryFail(new NodeCancelledException(ctx.cancellation().reason())));
    call.onComplete(ar -> {
      if (ar.succeeded()) result.tryComplete(ar.result());
      else result.tryFail(ar.cause());
    });
    return result.future();
  }

  private static String outputKey(NodeContext ctx) {
    return ctx.node().outputKey() == null ? ctx.node().name() : ctx.node().outputKey();
  }
}
