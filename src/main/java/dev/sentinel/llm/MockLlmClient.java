package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import dev.sentinel.cost.Usage;
import dev.sentinel.crypto.Sha256;
import io.vertx.core.Future;


/**
 * The offline provider: deterministic, no network. Its answer is derived from the prompt (so
 * the same step gives the same answer on every re-run) and its token counts from the text,
 * so costs are computed exactly as for a real provider. The quickstart runs on it when no
 * API key is configured.
 */
public final class MockLlmClient implements LlmClient {

  @Override public String provider() { return "mock"; }

  @Override public Future<LlmResponse> complete(LlmRequest request, Cancellation cancellation) {
    if (cancellation.isCancelled()) return Future.failedFuture(new LlmException("call cancelled: " + cancellation.reason()));
    String prompt = request.messages().isEmpty() ? "" : request.messages().get(request.messages().size() - 1).content();
    String digest = Sha256.hex(request.model() + "\n" + String.join("\n", request.messages().stream().map(m -> m.role() + ":" + m.content()).toList()));
    String summary = prompt.length() > 160 ? prompt.substring(0, 160) + "..." : prompt;
    String text = "[mock " + request.model() + " " + digest.substring(0, 12) + "] Response to: " + summary;
    long output = Math.min(request.maxTokens(), Usage.estimateTokens(text.length()));
    if (output < Usage.estimateTokens(text.length())) text = text.substring(0, (int) Math.min(text.length(), output * 4));
    Usage usage = new Usage(Usage.estimateTokens(request.promptChars()), output, 0, 0);
    return Future.succeededFuture(new LlmResponse(text, usage, request.model(), 0, "stop"));
  }

}
