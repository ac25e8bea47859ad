package dev.sentinel.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Runs a Redis operation again, with capped exponential backoff, until it succeeds or retrying
 * stops making sense: for the writes that must not be given up when Redis is briefly away
 * (start-up, the record of an LLM call that was already paid for, a worker's fenced writes while
 * its lease lasts). The one retry-with-backoff of the code base. Waits on a timer, never blocks.
 *
 * @param mayRetry given the nanoseconds since the first try, whether to try again; when not, the
 *                 last error is returned
 * @param firstMs  the first wait; each further wait doubles, up to {@code maxMs}
 */
public record RetryUntil(Vertx vertx, LongPredicate mayRetry, long firstMs, long maxMs) {

  /** Gives up once {@code forMs} have passed since the first try. */
  public static RetryUntil forMs(Vertx vertx, long forMs, long firstMs, long maxMs) {
    return new RetryUntil(vertx, elapsedNanos -> elapsedNanos <= forMs * 1_000_000L, firstMs, maxMs);
  }

  /** Gives up as soon as {@code keepTrying} says so (a worker: once its lease is surely over). */
  public static RetryUntil whileTrue(Vertx vertx, BooleanSupplier keepTrying, long firstMs, long maxMs) {
    return new RetryUntil(vertx, elapsedNanos -> keepTrying.getAsBoolean(), firstMs, maxMs);
  }

  /** {@code beforeWait} sees the number of failed tries so far and the last error (for logging). */
  public <T> Future<T> run(Supplier<Future<T>> action, BiConsumer<Integer, Throwable> beforeWait) {
    return attempt(action, beforeWait, System.nanoTime(), 0);
  }

  private <T> Future<T> attempt(Supplier<Future<T>> action, BiConsumer<Integer, Throwable> beforeWait, long since, int failed) {
    return action.get().recover(e -> {
      if (!mayRetry.test(System.nanoTime() - since)) return Future.failedFuture(e);
      beforeWait.accept(failed, e);
      long delay = Math.min(maxMs, firstMs << Math.min(failed, 20));
      return Future.<Void>future(p -> vertx.setTimer(delay, t -> p.complete()))
          .compose(v -> attempt(action, beforeWait, since, failed + 1));
    });
  }
}
