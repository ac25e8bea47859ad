package dev.sentinel.llm;

import io.vertx.core.Future;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * One chat completion to make. {@code idempotencyKey} is stable across re-runs of the same step.
 *
 * @param onThrottled  told the Retry-After of a 429, to hold the model cluster-wide
 * @param onLateAnswer told an answer that came after the call was abandoned (it was still billed)
 * @param beforeRetry  asked before each retry of a 429/5xx (with the retry's number, from 1): a
 *                     failed future ends the call with that failure instead (no room reserved
 *                     for it, or the lease no longer held: a retry is a new paid request)
 */
public record LlmRequest(String model, List<Message> messages, Double temperature, int maxTokens, String idempotencyKey,
                         LongConsumer onThrottled, Consumer<LlmResponse> onLateAnswer, IntFunction<Future<Void>> beforeRetry) {

  public LlmRequest(String model, List<Message> messages, Double temperature, int maxTokens, String idempotencyKey) {
    this(model, messages, temperature, maxTokens, idempotencyKey, null, null, null);
  }

  public record Message(String role, String content) {}

  /** Characters of all messages: the basis of the pre-call token estimate. */
  public int promptChars() {
    return messages.stream().mapToInt(m -> m.content().length()).sum();
  }
}
