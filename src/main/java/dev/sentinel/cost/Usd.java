package dev.sentinel.cost;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Money as the API writes it: the stored integer nano-USD as an exact decimal in USD. A double
 * would print small amounts as {@code 1.07E-4}, which some clients (and most people) misread, and
 * a BigDecimal prints an exponent too below a micro-USD ({@code 1.5E-7}); the JSON encoder writes
 * a BigDecimal with its {@code toString()}, so the value handed to it prints itself plainly.
 */
public final class Usd {
  private Usd() {}

  public static final long NANOS_PER_USD = 1_000_000_000L;

  public static BigDecimal ofNanos(long nanos) {
    BigDecimal usd = BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    if (usd.scale() < 0) usd = usd.setScale(0);
    return new Plain(usd.unscaledValue(), usd.scale());
  }

  /** A decimal whose text is never in exponent form ({@code 0.00000015}, not {@code 1.5E-7}). */
  private static final class Plain extends BigDecimal {
    Plain(BigInteger unscaled, int scale) {
      super(unscaled, scale);
    }

    @Override public String toString() {
      return toPlainString();
    }
  }
}
