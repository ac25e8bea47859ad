package dev.sentinel.llm;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Gathers a stream's text pieces into batches: one batch every {@value #FLUSH_MS} ms, or as
 * soon as {@value #MAX_PIECES} pieces wait, so a fast stream costs about 20 PUBLISHes a second
 * rather than one per token, while a reader still sees text appear smoothly. One batch is in
 * flight at a time: the next leaves once the previous one was sent, which keeps them in order
 * over a pooled client and lets a slow Redis merge batches instead of queueing them.
 * Publishing is best effort (tokens are a live view; the committed step is the truth): a
 * failed batch is dropped. Used on one context only.
 */
final class TokenBatcher {

  static final long FLUSH_MS = 50;
  static final int MAX_PIECES = 32;

  /** Sends one batch: its number in the stream (from 0) and its text. */
  interface Sender {
    Future<Void> send(long seq, String text);
  }

  private final Vertx vertx;
  private final Sender sender;
  private final StringBuilder pending = new StringBuilder();
  private int pendingPieces;
  private long seq;
  private long timer = -1;
  private boolean inFlight;
  private Promise<Void> finished;

  TokenBatcher(Vertx vertx, Sender sender) {
    this.vertx = vertx;
    this.sender = sender;
  }

  void add(String piece) {
    pending.append(piece);
    pendingPieces++;
    if (pendingPieces >= MAX_PIECES) flush();
    else if (timer < 0) timer = vertx.setTimer(FLUSH_MS, t -> {
      timer = -1;
      flush();
    });
  }

  /** Sends what is left; completes once every batch was sent (before the step commits). */
  Future<Void> finish() {
    if (finished == null) finished = Promise.promise();
    flush();
    return finished.future();
  }

  private void flush() {
    cancelTimer();
    if (inFlight) return;   // the batch in flight sends this one when it is done
    if (pending.isEmpty()) {
      if (finished != null) finished.tryComplete();
      return;
    }
    String text = pending.toString();
    pending.setLength(0);
    pendingPieces = 0;
    inFlight = true;
    sender.send(seq++, text).onComplete(ar -> {
      inFlight = false;
      if (finished != null || pendingPieces >= MAX_PIECES || (!pending.isEmpty() && timer < 0)) flush();
    });
  }

  private void cancelTimer() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }
}
