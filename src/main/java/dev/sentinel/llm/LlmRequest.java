package dev.sentinel.llm;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * One chat completion to make. {@code idempotencyKey} is stable across re-runs of the same step.
 * {@code tools} are offered to the model (OpenAI function calling); empty: a plain completion.
 *
 * @param onThrottled  told the Retry-After of a 429, to hold the model cluster-wide
 * @param onLateAnswer told an answer that came after the call was abandoned (it was still billed)
 * @param beforeRetry  asked before each retry of a 429/5xx (with the retry's number, from 1): a
 *                     failed future ends the call with that failure instead (no room reserved
 *                     for it, or the lease no longer held: a retry is a new paid request)
 */
public record LlmRequest(String model, List<Message> messages, Double temperature, int maxTokens, String idempotencyKey,
                         LongConsumer onThrottled, Consumer<LlmResponse> onLateAnswer, IntFunction<Future<Void>> beforeRetry,
                         List<ToolSpec> tools) {

  public LlmRequest {
    tools = tools == null ? List.of() : List.copyOf(tools);
  }

  public LlmRequest(String model, List<Message> messages, Double temperature, int maxTokens, String idempotencyKey,
                    LongConsumer onThrottled, Consumer<LlmResponse> onLateAnswer, IntFunction<Future<Void>> beforeRetry) {
    this(model, messages, temperature, maxTokens, idempotencyKey, onThrottled, onLateAnswer, beforeRetry, List.of());
  }

  public LlmRequest(String model, List<Message> messages, Double temperature, int maxTokens, String idempotencyKey) {
    this(model, messages, temperature, maxTokens, idempotencyKey, null, null, null);
  }

  public LlmRequest withTools(List<ToolSpec> offered) {
    return new LlmRequest(model, messages, temperature, maxTokens, idempotencyKey, onThrottled, onLateAnswer, beforeRetry, offered);
  }

  /**
   * One message. An assistant message may carry the tool calls it asked for ({@code toolCalls});
   * a {@code tool} message answers one of them ({@code toolCallId}).
   */
  public record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {

    public Message {
      toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public Message(String role, String content) {
      this(role, content, List.of(), null);
    }

    /** The model's turn that asked for tools (its text, often empty, and the calls). */
    public static Message assistantCalling(String text, List<ToolCall> calls) {
      return new Message("assistant", text, calls, null);
    }

    /** A tool's answer to the call {@code callId}. */
    public static Message toolResult(String callId, String content) {
      return new Message("tool", content, List.of(), callId);
    }

    /** As OpenAI's chat format writes it (and as an agent's conversation is recorded in its steps). */
    public JsonObject toJson() {
      JsonObject j = new JsonObject().put("role", role).put("content", content);
      if (!toolCalls.isEmpty()) j.put("tool_calls", new JsonArray(toolCalls.stream().map(ToolCall::toJson).toList()));
      if (toolCallId != null) j.put("tool_call_id", toolCallId);
      return j;
    }

    public static Message fromJson(JsonObject j) {
      JsonArray calls = j.getJsonArray("tool_calls", new JsonArray());
      List<ToolCall> parsed = new ArrayList<>();
      for (int i = 0; i < calls.size(); i++) parsed.add(ToolCall.fromJson(calls.getJsonObject(i)));
      return new Message(j.getString("role"), j.getValue("content") instanceof String s ? s : null, parsed, j.getString("tool_call_id"));
    }

    /** Characters this message sends: its text and its calls' names and arguments. */
    public int chars() {
      int n = content == null ? 0 : content.length();
      for (ToolCall c : toolCalls) n += c.name().length() + (c.arguments() == null ? 0 : c.arguments().length());
      return n;
    }
  }

  /** Characters of all messages and tool schemas: the basis of the pre-call token estimate. */
  public int promptChars() {
    return messages.stream().mapToInt(Message::chars).sum()
        + tools.stream().mapToInt(t -> t.toJson().encode().length()).sum();
  }
}
