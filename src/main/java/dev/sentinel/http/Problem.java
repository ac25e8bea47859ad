package dev.sentinel.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * An RFC 9457 problem: the one shape of every error this API returns. {@code errors} names each
 * failing field, so a client can show the user what to fix.
 */
public record Problem(int status, String title, String detail, List<FieldError> errors) {

  public record FieldError(String field, String message) {}

  public static Problem of(int status, String title, String detail) {
    return new Problem(status, title, detail, List.of());
  }

  public static Problem invalid(int status, List<FieldError> errors) {
    String detail = errors.size() == 1 ? errors.get(0).message()
        : errors.size() + " fields are invalid: " + String.join("; ", errors.stream().map(FieldError::message).toList());
    return new Problem(status, status == 400 ? "Bad request" : "Request validation failed", detail, errors);
  }

  public static Problem notFound(String what) {
    return of(404, "Not found", what + " not found");
  }

  public static Problem forbidden(String detail) {
    return of(403, "Forbidden", detail);
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("type", "about:blank").put("title", title).put("status", status).put("detail", detail);
    if (!errors.isEmpty()) {
      JsonArray a = new JsonArray();
      errors.forEach(e -> a.add(new JsonObject().put("field", e.field()).put("message", e.message())));
      j.put("errors", a);
    }
    return j;
  }

  public void send(RoutingContext rc) {
    if (rc.response().headWritten()) {
      rc.response().reset();
      return;
    }
    rc.response().setStatusCode(status).putHeader("content-type", "application/problem+json").end(toJson().encode());
  }

  /** As a failure for {@code rc.fail}/{@code Future.failedFuture}, rendered by the failure handler. */
  public ProblemException asException() {
    return new ProblemException(this);
  }
}
