package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import io.vertx.core.Future;

import java.util.function.Consumer;

/** Chat completions. Non-blocking; a cancelled call is abandoned and its future fails. */
public interface LlmClient {
  String provider();

  Future<LlmResponse> complete(LlmRequest request, Cancellation cancellation);

  /**
   * The same call, its text handed to {@code onDelta} piece by piece as the provider produces
   * it (on the caller's context), then the whole answer with its usage. A failure after the
   * first piece fails the call (no retry could take back what was shown). A provider that
   * cannot stream hands over its whole text as one piece.
   */
  default Future<LlmResponse> stream(LlmRequest request, Cancellation cancellation, Consumer<String> onDelta) {
    return complete(request, cancellation).onSuccess(r -> onDelta.accept(r.text()));
  }
}
