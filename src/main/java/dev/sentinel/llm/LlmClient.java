package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import io.vertx.core.Future;

/** Chat completions. Non-blocking; a cancelled call is abandoned and its future fails. */
public interface LlmClient {
  String provider();

  Future<LlmResponse> complete(LlmRequest request, Cancellation cancellation);
}
