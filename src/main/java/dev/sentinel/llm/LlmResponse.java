package dev.sentinel.llm;

import dev.sentinel.cost.Usage;

import java.util.List;

/**
 * A finished call: the answer, what it used, and how long it took. {@code toolCalls} are the
 * tools the model asked to call (empty for a plain answer; {@code text} may then be empty).
 */
public record LlmResponse(String text, Usage usage, String model, long latencyMs, String finishReason, List<ToolCall> toolCalls) {

  public LlmResponse {
    text = text == null ? "" : text;
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  public LlmResponse(String text, Usage usage, String model, long latencyMs, String finishReason) {
    this(text, usage, model, latencyMs, finishReason, List.of());
  }
}
