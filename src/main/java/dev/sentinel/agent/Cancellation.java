package dev.sentinel.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells a running node that its task was lost (STALE), cancelled or handed back, so it stops
 * what it is doing (timers, HTTP calls). Used on the task's event-loop context only.
 */
public final class Cancellation {

  private final List<Runnable> callbacks = new ArrayList<>();
  private String reason;

  public boolean isCancelled() { return reason != null; }

  public String reason() { return reason; }

  /** Runs {@code callback} on cancellation, at once if already cancelled. */
  public void onCancel(Runnable callback) {
    if (reason != null) callback.run();
    else callbacks.add(callback);
  }

  public void cancel(String why) {
    if (reason != null) return;
    reason = why;
    callbacks.forEach(Runnable::run);
    callbacks.clear();
  }
}
