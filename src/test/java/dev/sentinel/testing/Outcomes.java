package dev.sentinel.testing;

import io.vertx.core.Future;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The outcome of a future, waited for on the test thread (never on an event loop). */
public final class Outcomes {
  private Outcomes() {}

  /** Its result; the test fails if it failed or took over 30 s. */
  public static <T> T result(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the call failed: " + e, e);
    }
  }

  /** Its failure; the test fails if it succeeded or took over 30 s. */
  public static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the call neither failed nor succeeded in time: " + e, e);
    }
    throw new AssertionError("the call succeeded but should have failed");
  }
}
