package dev.sentinel.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.ValidatorException;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * The one mapping from failures to problem+json. Nothing here ever shows a stack trace: an
 * unexpected failure is logged and answered with a bare 500.
 */
final class FailureRenderer implements Handler<RoutingContext> {

  private static final System.Logger LOG = System.getLogger(FailureRenderer.class.getName());

  private final long maxBodyBytes;

  FailureRenderer(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override public void handle(RoutingContext rc) {
    problem(rc).send(rc);
  }

  private Problem problem(RoutingContext rc) {
    Throwable f = rc.failure();
    if (f instanceof ProblemException pe) return pe.problem();
    if (f instanceof HttpException he && he.getCause() instanceof ValidatorException ve) return ValidationProblems.of(ve);
    if (f instanceof HttpException he && he.getStatusCode() == 413) {
      return Problem.of(413, "Payload too large", "the request body is over " + maxBodyBytes + " bytes");
    }
    if (f instanceof HttpException he) return Problem.of(he.getStatusCode(), "Request failed", reason(he.getStatusCode()));
    if (f == null) return Problem.of(rc.statusCode() >= 400 ? rc.statusCode() : 500, "Request failed", reason(rc.statusCode()));
    if (isRedisUnavailable(f)) {
      rc.response().putHeader("Retry-After", "1");
      return Problem.of(503, "Service unavailable", "the task store (Redis) is not reachable; retry shortly");
    }
    LOG.log(System.Logger.Level.ERROR, "unhandled failure on " + rc.request().method() + " " + rc.request().path(), f);
    return Problem.of(500, "Internal error", "the server failed to handle this request");
  }

  private static String reason(int status) {
    return switch (status) {
      case 404 -> "no such endpoint";
      case 405 -> "this endpoint does not take that method";
      case 415 -> "send the body as application/json";
      default -> "the request failed";
    };
  }

  private static boolean isRedisUnavailable(Throwable f) {
    for (Throwable t = f; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof ConnectException) return true;
      String name = t.getClass().getName();
      String msg = String.valueOf(t.getMessage());
      if (name.contains("ConnectionPoolTooBusy") || msg.contains("Connection is closed")
          || msg.contains("Connection refused") || msg.startsWith("LOADING") || msg.contains("Timeout")) return true;
    }
    return false;
  }
}
