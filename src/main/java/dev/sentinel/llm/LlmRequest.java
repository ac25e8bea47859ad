package dev.sentinel.llm;

import java.util.List;

/** One chat completion to make. {@code idempotencyKey} is stable across re-runs of the same step. */
public record LlmRequest(String model, List<Message> messages, Double temperature, int maxTokens, String idempotencyKey,
                         java.util.function.LongConsumer onThrottled,
                         java.util.function.Consumer<LlmResponse> onLateAnswer) {

  public LlmRequest(String model, List<Message> messages, Double temperature, int maxTokens, String idempotencyKey) {
    this(model, messages, temperature, maxTokens, idempotencyKey, null, null);
  }

  public record Message(String role, String content) {}

  /** Characters of all messages: the basis of the pre-call token estimate. */
  public int promptChars() {
    return messages.stream().mapToInt(m -> m.content().length()).sum();
  }
}
