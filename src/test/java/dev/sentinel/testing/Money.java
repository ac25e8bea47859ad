package dev.sentinel.testing;

import java.math.BigDecimal;

/** USD as the API writes it, read back as the nano-USD Sentinel stores, exactly (no double arithmetic). */
public final class Money {
  private Money() {}

  /** @param usd a JSON number as decoded (a Double or a BigDecimal) or its text */
  public static long nanos(Object usd) {
    return new BigDecimal(usd.toString()).movePointRight(9).longValueExact();
  }
}
