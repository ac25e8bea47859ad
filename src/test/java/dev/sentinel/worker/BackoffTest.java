package dev.sentinel.worker;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

  @Test void delaysDoubleWithJitterWithinBoundsAndStopAtTheCap() {
    Backoff b = new Backoff(1000, 300_000, new SplittableRandom(42));
    for (int i = 0; i < 200; i++) {
      assertThat(b.delayMs(1)).isBetween(500L, 1000L);
      assertThat(b.delayMs(2)).isBetween(1000L, 2000L);
      assertThat(b.delayMs(5)).isBetween(8000L, 16000L);
      assertThat(b.delayMs(40)).isBetween(150_000L, 300_000L);
    }
  }

  @Test void jitterSpreadsRetries() {
    Backoff b = new Backoff(1000, 300_000, new SplittableRandom(7));
    long distinct = IntStream.range(0, 100).mapToLong(i -> b.delayMs(3)).distinct().count();
    assertThat(distinct).isGreaterThan(50);
  }
}
