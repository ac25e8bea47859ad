package dev.sentinel.cost;

import java.math.BigDecimal;

/**
 * Money as the API writes it: the stored integer micro-USD as an exact decimal. A double would
 * print small amounts as {@code 1.07E-4}, which some clients (and most people) misread; a
 * BigDecimal with no trailing zeros prints {@code 0.000107}, and never in exponent form for any
 * amount of at least one micro-USD.
 */
public final class Usd {
  private Usd() {}

  public static BigDecimal ofMicros(long micros) {
    BigDecimal usd = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
    return usd.scale() < 0 ? usd.setScale(0) : usd;
  }
}
