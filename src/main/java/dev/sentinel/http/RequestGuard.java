package dev.sentinel.http;

import dev.sentinel.http.Problem.FieldError;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The first handler of every request (a platform handler, so it may run before the body
 * handler): refuses, with a problem, the inputs the layers after it
 * would mishandle. Each rule closes a hole a fuzz test found (HttpFuzzTest):
 * <ul>
 *   <li>a malformed %-escape in the path: decoding it throws;</li>
 *   <li>a path with {@code //} or dot segments: routing normalises it but the contract's
 *       path-parameter validation then reads the wrong segments, so ids went unchecked;</li>
 *   <li>a malformed query string ({@code %zz}): the decoder throws;</li>
 *   <li>{@code %} in a query value or in a header the contract validates: vertx-openapi
 *       5.0.7 decodes values a second time and throws (no valid value of ours has one);</li>
 *   <li>a body that is not JSON: every operation takes JSON or nothing, and form or
 *       multipart parsing fails on malformed input before auth has run.</li>
 * </ul>
 */
final class RequestGuard implements PlatformHandler {

  private static final Pattern MALFORMED_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");
  private static final List<String> VALIDATED_HEADERS = List.of("Idempotency-Key", "Last-Event-ID");

  @Override public void handle(RoutingContext rc) {
    String path = rc.request().path();
    if (path != null && MALFORMED_ESCAPE.matcher(path).find()) {
      Problem.of(400, "Bad request", "the path has a malformed %-escape").send(rc);
      return;
    }
    if (path == null || path.contains("//") || path.contains("/./") || path.contains("/../")
        || path.endsWith("/.") || path.endsWith("/..")) {
      Problem.of(404, "Not found", "no such endpoint (the path is not in canonical form)").send(rc);
      return;
    }
    MultiMap query;
    try {
      query = rc.queryParams();
    } catch (RuntimeException e) {
      Problem.of(400, "Bad request", "the query string is malformed").send(rc);
      return;
    }
    for (Map.Entry<String, String> p : query) {
      if (p.getKey().indexOf('%') >= 0 || p.getValue().indexOf('%') >= 0) {
        Problem.invalid(422, List.of(new FieldError(p.getKey(), "the query parameter " + p.getKey()
            + " is invalid: no parameter of this API takes a '%'"))).send(rc);
        return;
      }
    }
    for (String header : VALIDATED_HEADERS) {
      String v = rc.request().getHeader(header);
      if (v != null && v.indexOf('%') >= 0) {
        Problem.invalid(422, List.of(new FieldError(header, "the header " + header + " is invalid: it may not contain '%'")))
            .send(rc);
        return;
      }
    }
    String type = rc.request().getHeader("Content-Type");
    if (type != null && !type.isBlank() && !type.trim().toLowerCase(Locale.ROOT).startsWith("application/json")) {
      Problem.of(415, "Unsupported media type", "send the body as application/json").send(rc);
      return;
    }
    rc.next();
  }
}
