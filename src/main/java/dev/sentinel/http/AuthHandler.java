package dev.sentinel.http;

import dev.sentinel.auth.ApiKeys;
import dev.sentinel.auth.Caller;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Puts the {@link Caller} on every request: from {@code Authorization: Bearer <key>} or
 * {@code X-API-Key}, or OPEN when no keys are configured. Unknown or missing keys get 401.
 */
public final class AuthHandler implements Handler<RoutingContext> {

  public static final String CALLER = "sentinel.caller";

  private final ApiKeys apiKeys;

  public AuthHandler(ApiKeys apiKeys) {
    this.apiKeys = apiKeys;
  }

  public static Caller caller(RoutingContext rc) {
    Caller c = rc.get(CALLER);
    return c == null ? Caller.OPEN : c;
  }

  @Override public void handle(RoutingContext rc) {
    if (!apiKeys.enabled()) {
      rc.put(CALLER, Caller.OPEN);
      rc.next();
      return;
    }
    String key = presentedKey(rc);
    if (key == null) {
      unauthorized(rc, "an API key is required (Authorization: Bearer <key> or X-API-Key)");
      return;
    }
    apiKeys.authenticate(key).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else if (ar.result().isEmpty()) {
        unauthorized(rc, "the API key is not valid");
      } else {
        rc.put(CALLER, ar.result().get());
        rc.next();
      }
    });
  }

  private static String presentedKey(RoutingContext rc) {
    String auth = rc.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) return auth.substring(7).trim();
    String header = rc.request().getHeader("X-API-Key");
    return header == null || header.isBlank() ? null : header.trim();
  }

  private static void unauthorized(RoutingContext rc, String detail) {
    rc.response().putHeader("WWW-Authenticate", "Bearer");
    Problem.of(401, "Unauthorized", detail).send(rc);
  }
}
