package dev.sentinel.http;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hands the contract's validator every string-typed path, query and header parameter as the
 * very string the handlers read.
 *
 * <p>vertx-openapi 5.0.7 parses a parameter's value as JSON unless it is all word characters,
 * even where the schema says string. So {@code -1} and {@code 1.5} became numbers and valid ids,
 * tenants and Idempotency-Keys were refused (422), while {@code "acme"}, quotes included, became
 * {@code acme}: it passed the Identifier pattern, and the handler, which reads the raw value,
 * wrote a tenant id with quotes into Redis keys. Given as a JSON string literal, a value is
 * decoded back to exactly itself and validated as it is. (Found by HttpFuzzTest's contract part.)
 */
final class LiteralStringParameters implements RequestExtractor {

  private final RequestExtractor extractor;

  LiteralStringParameters(RequestExtractor extractor) {
    this.extractor = extractor;
  }

  @Override public Future<ValidatableRequest> extractValidatableRequest(RoutingContext rc, Operation operation) {
    return extractor.extractValidatableRequest(rc, operation).map(r -> {
      Map<String, RequestParameter> path = new HashMap<>(r.getPathParameters());
      Map<String, RequestParameter> query = new HashMap<>(r.getQuery());
      Map<String, RequestParameter> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.putAll(r.getHeaders());
      for (Parameter p : operation.getParameters()) {
        if (p.getSchemaType() != SchemaType.STRING) continue;
        Map<String, RequestParameter> in = p.getIn() == Location.PATH ? path : p.getIn() == Location.QUERY ? query
            : p.getIn() == Location.HEADER ? headers : null;
        if (in == null) continue;
        RequestParameter v = in.get(p.getName());
        if (v != null && v.get() instanceof String s) in.put(p.getName(), new Literal(Json.encode(s)));
      }
      return new Request(r.getCookies(), headers, path, query, r.getBody(), r.getContentType());
    });
  }

  private record Literal(Object get) implements RequestParameter {}

  private record Request(Map<String, RequestParameter> getCookies, Map<String, RequestParameter> getHeaders,
                         Map<String, RequestParameter> getPathParameters, Map<String, RequestParameter> getQuery,
                         RequestParameter getBody, String getContentType) implements ValidatableRequest {}
}
