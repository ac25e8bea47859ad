package dev.sentinel.config;

import java.util.Locale;

/** What a node runs. Every node may run any mix; state is in Redis, so roles scale independently. */
public enum Role {
  API, WORKER, WATCHER;

  public static Role parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown role '" + text.trim() + "' (expected api, worker or watcher)");
    }
  }
}
