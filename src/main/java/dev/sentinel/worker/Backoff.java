package dev.sentinel.worker;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th retry waits a random time in
 * [base * 2^(n-1) / 2, base * 2^(n-1)], capped at max, so retries of many tasks spread out.
 */
public record Backoff(long baseMs, long maxMs, RandomGenerator random) {

  public long delayMs(int attempt) {
    int doublings = Math.max(0, Math.min(attempt - 1, 30));
    long ceiling = Math.min(maxMs, baseMs << doublings);
    long floor = ceiling / 2;
    return floor + (ceiling > floor ? random.nextLong(ceiling - floor + 1) : 0);
  }
}
