package dev.sentinel.llm;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batching of streamed tokens, with a sender the test completes by hand (as if Redis
 * answered each PUBLISH only when told), everything on one Vert.x context as in a worker.
 */
class TokenBatcherTest {

  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();
  /** Batches handed to the sender and not answered yet. */
  final List<Promise<Void>> unanswered = new ArrayList<>();
  final List<Long> seqs = new ArrayList<>();
  final List<String> texts = new ArrayList<>();
  int mostInFlight;

  @AfterEach void close() {
    vertx.close().await();
  }

  private TokenBatcher batcher() {
    return new TokenBatcher(vertx, (seq, text) -> {
      seqs.add(seq);
      texts.add(text);
      Promise<Void> p = Promise.promise();
      unanswered.add(p);
      mostInFlight = Math.max(mostInFlight, (int) unanswered.stream().filter(u -> !u.future().isComplete()).count());
      return p.future();
    });
  }

  /** Runs on the batcher's context and waits for the result. */
  private <T> T onContext(Supplier<T> action) throws Exception {
    CompletableFuture<T> r = new CompletableFuture<>();
    context.runOnContext(v -> r.complete(action.get()));
    return r.get(10, TimeUnit.SECONDS);
  }

  @Test void aFastStreamGoesOutInFewOrderedBatchesOneInFlightAndFinishWaitsForTheLast() throws Exception {
    TokenBatcher b = onContext(this::batcher);
    StringBuilder all = new StringBuilder();
    Future<Void> finished = onContext(() -> {
      for (int i = 0; i < 100; i++) {   // a burst: the first 32 leave at once, the rest wait for that PUBLISH
        b.add("t" + i + " ");
        all.append("t").append(i).append(' ');
      }
      return b.finish();
    });
    assertThat(texts).as("one batch of 32 in flight; the rest wait for it").hasSize(1);
    assertThat(finished.isComplete()).isFalse();
    onContext(() -> unanswered.get(0).tryComplete());
    assertThat(texts).as("what waited leaves as one batch").hasSize(2);
    assertThat(finished.isComplete()).as("not before the last batch was sent").isFalse();
    onContext(() -> unanswered.get(1).tryComplete());
    assertThat(onContext(finished::isComplete)).isTrue();
    assertThat(seqs).containsExactly(0L, 1L);
    assertThat(String.join("", texts)).isEqualTo(all.toString());
    assertThat(mostInFlight).isEqualTo(1);
  }

  @Test void aFailedPublishIsDroppedAndTheStreamGoesOn() throws Exception {
    TokenBatcher b = onContext(this::batcher);
    Future<Void> finished = onContext(() -> {
      for (int i = 0; i < TokenBatcher.MAX_PIECES; i++) b.add("x");
      b.add("y");
      return b.finish();
    });
    onContext(() -> unanswered.get(0).tryFail("Redis away"));
    onContext(() -> unanswered.get(1).tryComplete());
    assertThat(onContext(finished::isComplete)).isTrue();
    assertThat(texts).containsExactly("x".repeat(TokenBatcher.MAX_PIECES), "y");
  }
}
