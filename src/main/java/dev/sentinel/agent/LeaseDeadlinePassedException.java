package dev.sentinel.agent;

/**
 * The worker's lease is no longer surely held (no renewal confirmed it within a lease time, by
 * the local monotonic clock): another worker may own the task by now. Nothing more is started
 * under it, least of all a paid call; the task is left to expire and be claimed again.
 */
public final class LeaseDeadlinePassedException extends RuntimeException {
  public LeaseDeadlinePassedException(String what) {
    super(what + " not started: the lease is no longer surely held", null, false, false);
  }
}
