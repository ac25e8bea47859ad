package dev.sentinel.observability;

import java.util.Locale;

/** How log lines are written: {@code human} (the default, one readable line) or {@code json} (one object per line). */
public enum LogFormat {
  HUMAN, JSON;

  /** @throws IllegalArgumentException naming the accepted values */
  public static LogFormat parse(String value) {
    if (value == null || value.isBlank()) return HUMAN;
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("configuration: log.format must be human or json, not '" + value + "'", e);
    }
  }
}
