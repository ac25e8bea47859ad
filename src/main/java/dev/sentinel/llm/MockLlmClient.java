package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import dev.sentinel.cost.Usage;
import dev.sentinel.crypto.Sha256;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.Consumer;

/**
 * The offline provider: deterministic, no network. Its answer is derived from the prompt (so
 * the same step gives the same answer on every re-run) and its token counts from the text,
 * so costs are computed exactly as for a real provider. The quickstart runs on it when no
 * API key is configured.
 *
 * <p>Offered tools, it plays a minimal tool-using model ({@link MockToolUse}): it calls the
 * first tool once, then answers with that tool's result, so an agent loop runs offline.
 *
 * <p>It streams too: the same answer in pieces of about a token ({@value #PIECE_CHARS}
 * characters), one every {@value #PIECE_MS} ms, so {@code stream: true} can be tried offline.
 */
public final class MockLlmClient implements LlmClient {

  static final int PIECE_CHARS = 4;
  static final long PIECE_MS = 15;

  /** Paces the streamed pieces; null: they are all handed over at once. */
  private final Vertx vertx;

  public MockLlmClient() {
    this(null);
  }

  public MockLlmClient(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override public String provider() { return "mock"; }

  @Override public Future<LlmResponse> complete(LlmRequest request, Cancellation cancellation) {
    if (cancellation.isCancelled()) return Future.failedFuture(new LlmException("call cancelled: " + cancellation.reason()));
    if (!request.tools().isEmpty()) return Future.succeededFuture(MockToolUse.turn(request));
    String prompt = request.messages().isEmpty() ? "" : request.messages().get(request.messages().size() - 1).content();
    String digest = Sha256.hex(request.model() + "\n" + String.join("\n", request.messages().stream().map(m -> m.role() + ":" + m.content()).toList()));
    String summary = prompt.length() > 160 ? prompt.substring(0, 160) + "..." : prompt;
    String text = "[mock " + request.model() + " " + digest.substring(0, 12) + "] Response to: " + summary;
    long output = Math.min(request.maxTokens(), Usage.estimateTokens(text.length()));
    if (output < Usage.estimateTokens(text.length())) text = text.substring(0, (int) Math.min(text.length(), output * 4));
    Usage usage = new Usage(Usage.estimateTokens(request.promptChars()), output, 0, 0);
    return Future.succeededFuture(new LlmResponse(text, usage, request.model(), 0, "stop"));
  }

  @Override public Future<LlmResponse> stream(LlmRequest request, Cancellation cancellation, Consumer<String> onDelta) {
    return complete(request, cancellation).compose(answer -> {
      if (vertx == null) {
        onDelta.accept(answer.text());
        return Future.succeededFuture(answer);
      }
      Promise<LlmResponse> done = Promise.promise();
      cancellation.onCancel(() -> done.tryFail(new LlmException("call cancelled: " + cancellation.reason())));
      piece(answer, 0, onDelta, done);
      return done.future();
    });
  }

  private void piece(LlmResponse answer, int from, Consumer<String> onDelta, Promise<LlmResponse> done) {
    if (done.future().isComplete()) return;   // cancelled: no more pieces
    String text = answer.text();
    if (from >= text.length()) {
      done.tryComplete(answer);
      return;
    }
    int to = Math.min(text.length(), from + PIECE_CHARS);
    onDelta.accept(text.substring(from, to));
    vertx.setTimer(PIECE_MS, t -> piece(answer, to, onDelta, done));
  }

}
