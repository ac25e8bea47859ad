package dev.sentinel.agentloop;

import dev.sentinel.llm.LlmRequest.Message;
import dev.sentinel.llm.ToolCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Where an agent node's loop stands, as committed with each of its steps: the messages so far,
 * the tool calls the last model turn asked for and that have not run yet ({@code pending}, in
 * the model's order), how many model turns and tool calls were made, and the answer once the
 * model gave one. It lives in the task state under the node's output key, so a resumed task
 * rebuilds it from its history like any state: nothing of the loop is kept only in memory.
 */
record Conversation(List<Message> messages, List<ToolCall> pending, int turns, int toolCalls, boolean done, String answer) {

  Conversation {
    messages = List.copyOf(messages);
    pending = List.copyOf(pending);
  }

  static Conversation start(String system, String prompt) {
    List<Message> first = new ArrayList<>();
    if (system != null && !system.isBlank()) first.add(new Message("system", system));
    first.add(new Message("user", prompt));
    return new Conversation(first, List.of(), 0, 0, false, null);
  }

  /** The loop a previous step of this node left, or null when there is none to go on with (first visit, or a finished loop). */
  static Conversation unfinished(Object saved) {
    if (!(saved instanceof JsonObject j) || !j.containsKey("messages") || j.getBoolean("done", true)) return null;
    List<Message> messages = new ArrayList<>();
    j.getJsonArray("messages").forEach(m -> messages.add(Message.fromJson((JsonObject) m)));
    List<ToolCall> pending = new ArrayList<>();
    j.getJsonArray("pending", new JsonArray()).forEach(c -> pending.add(ToolCall.fromJson((JsonObject) c)));
    return new Conversation(messages, pending, j.getInteger("turns", 0), j.getInteger("tools_called", 0), false, null);
  }

  /** After a model turn: it asked for tools (they become pending) or answered (the loop is done). */
  Conversation afterTurn(String text, List<ToolCall> calls) {
    List<Message> next = new ArrayList<>(messages);
    if (calls.isEmpty()) {
      next.add(new Message("assistant", text));
      return new Conversation(next, List.of(), turns + 1, toolCalls, true, text);
    }
    next.add(Message.assistantCalling(text, calls));
    return new Conversation(next, calls, turns + 1, toolCalls, false, null);
  }

  /** After the first pending call ran: its answer joins the messages, the call leaves pending. */
  Conversation afterTool(ToolCall call, String result) {
    List<Message> next = new ArrayList<>(messages);
    next.add(Message.toolResult(call.id(), result));
    return new Conversation(next, pending.subList(1, pending.size()), turns, toolCalls + 1, false, null);
  }

  /** The step's output: the whole loop, plus what this step did ({@code step}). */
  JsonObject toJson(JsonObject step) {
    JsonObject j = new JsonObject()
        .put("messages", new JsonArray(messages.stream().map(Message::toJson).toList()))
        .put("pending", new JsonArray(pending.stream().map(ToolCall::toJson).toList()))
        .put("turns", turns).put("tools_called", toolCalls).put("done", done).put("step", step);
    if (answer != null) j.put("answer", answer);
    return j;
  }
}
