package dev.sentinel.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Runs a Redis operation again, with capped exponential backoff, until it succeeds or a time
 * limit passes: for the writes that must not be given up when Redis is briefly away (start-up,
 * the record of an LLM call that was already paid for). Waits on a timer, never blocks.
 *
 * @param forMs   give up once this long has passed since the first try; the last error is returned
 * @param firstMs the first wait; each further wait doubles, up to {@code maxMs}
 */
public record RetryUntil(Vertx vertx, long forMs, long firstMs, long maxMs) {

  /** {@code beforeWait} sees the number of failed tries so far and the last error (for logging). */
  public <T> Future<T> run(Supplier<Future<T>> action, BiConsumer<Integer, Throwable> beforeWait) {
    return attempt(action, beforeWait, System.nanoTime(), 0);
  }

  private <T> Future<T> attempt(Supplier<Future<T>> action, BiConsumer<Integer, Throwable> beforeWait, long since, int failed) {
    return action.get().recover(e -> {
      if (System.nanoTime() - since > forMs * 1_000_000L) return Future.failedFuture(e);
      beforeWait.accept(failed, e);
      long delay = Math.min(maxMs, firstMs << Math.min(failed, 20));
      return Future.<Void>future(p -> vertx.setTimer(delay, t -> p.complete()))
          .compose(v -> attempt(action, beforeWait, since, failed + 1));
    });
  }
}
