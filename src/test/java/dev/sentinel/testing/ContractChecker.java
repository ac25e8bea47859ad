package dev.sentinel.testing;

import dev.sentinel.http.ApiContract;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates every response a test receives against openapi.yaml with vertx-openapi's own
 * response validator, and records which operations were exercised. {@link TestNode} wires it
 * into every API client it hands out and fails the test on close if any response broke the
 * contract.
 */
public final class ContractChecker {

  private final OpenAPIContract contract;
  private final ResponseValidator validator;
  private final List<String> violations = new ArrayList<>();
  private final Set<String> covered = ConcurrentHashMap.newKeySet();

  private ContractChecker(OpenAPIContract contract, ResponseValidator validator) {
    this.contract = contract;
    this.validator = validator;
  }

  public static ContractChecker load(Vertx vertx) {
    OpenAPIContract c = ApiContract.fromClasspath().load(vertx).await();
    return new ContractChecker(c, ResponseValidator.create(vertx, c));
  }

  public Set<String> operations() {
    Set<String> all = new TreeSet<>();
    contract.operations().forEach(o -> all.add(o.getOperationId()));
    return all;
  }

  public Set<String> covered() { return new TreeSet<>(covered); }

  public synchronized List<String> violations() { return List.copyOf(violations); }

  public void check(Http.Exchange e) {
    String path = e.path().split("\\?", 2)[0];
    HttpMethod method = HttpMethod.valueOf(e.method());
    Operation op;
    try {
      op = contract.findOperation(path, method);
    } catch (RuntimeException ex) {
      op = null;
    }
    if (op == null) return;   // not an API operation (e.g. /docs, or a path the test made up)
    covered.add(op.getOperationId());
    Http.Reply r = e.reply();
    Map<String, String> headers = new HashMap<>();
    r.raw().headers().map().forEach((k, v) -> headers.put(k, String.join(",", v)));
    String ct = r.header("content-type");
    ValidatableResponse response;
    // vertx-openapi 5.0.7 cannot check a text body against {type: string} (it fails on the
    // Buffer), so an event stream or a metrics page is checked for its status and media type;
    // tests read its events or its lines.
    boolean text = ct != null && (ct.startsWith("text/event-stream") || ct.startsWith("text/plain"));
    if (text) {
      io.vertx.openapi.contract.Response declared = op.getResponse(r.status());
      // the router's copy of the contract names text/event-stream as text/plain (see ApiContract)
      String mediaType = ct.split(";")[0].trim().replace("text/event-stream", "text/plain");
      if (declared == null || !declared.getContent().containsKey(mediaType)) {
        synchronized (this) {
          violations.add(e.method() + " " + e.path() + " -> " + r.status() + " (" + op.getOperationId() + "): status or "
              + mediaType + " not in the contract");
        }
      }
      return;
    }
    if (r.body() == null || r.body().isEmpty() || ct == null) {
      response = ValidatableResponse.create(r.status(), headers);
    } else {
      // the router's copy of the contract names these as the types vertx-openapi 5.0.7 can check
      String checked = ct.replace("application/problem+json", "application/json");
      response = ValidatableResponse.create(r.status(), headers, Buffer.buffer(r.body()), checked);
    }
    try {
      validator.validate(response, op.getOperationId()).await();
    } catch (Throwable t) {
      synchronized (this) {
        violations.add(e.method() + " " + e.path() + " -> " + r.status() + " (" + op.getOperationId() + "): "
            + t.getMessage() + " body=" + abbreviate(r.body()));
      }
    }
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
