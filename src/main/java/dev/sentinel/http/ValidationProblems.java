package dev.sentinel.http;

import dev.sentinel.http.Problem.FieldError;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the OpenAPI validator reports into a problem naming each failing field:
 * malformed JSON is 400, an unsupported body type 415, anything else that breaks the schema
 * 422 (as the seed system answered).
 */
final class ValidationProblems {

  private static final Pattern PARAMETER = Pattern.compile("(path|query|header|cookie) parameter ([^ ]+)");
  private static final Pattern PROPERTY = Pattern.compile("propert(?:y|ies) \"?([A-Za-z0-9_.-]+)\"?");

  private ValidationProblems() {}

  static Problem of(ValidatorException e) {
    ValidatorErrorType type = e.type();
    String message = String.valueOf(e.getMessage());
    if (message.contains("request body can't be decoded") || (type == ValidatorErrorType.ILLEGAL_VALUE && message.contains("JSON"))) {
      return Problem.of(400, "Malformed JSON", "the request body is not valid JSON");
    }
    if (type == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      return Problem.of(415, "Unsupported media type", "send the body as application/json");
    }
    if (type == ValidatorErrorType.MISSING_REQUIRED_PARAMETER && e.getMessage() != null && e.getMessage().contains("body")) {
      return Problem.of(400, "Bad request", "the request body must be a JSON object");
    }
    List<FieldError> errors = new ArrayList<>();
    Matcher param = PARAMETER.matcher(String.valueOf(e.getMessage()));
    if (param.find()) {
      String name = param.group(2);
      String why = reason(e);
      if (why.contains("pattern") && ("task_id".equals(name) || "tenant_id".equals(name) || "agent_type".equals(name)
          || "task_type".equals(name))) {
        why = "it must be 1-128 characters of letters, digits, '_', '.' and '-'";
      }
      errors.add(new FieldError(name, "the " + param.group(1) + " parameter " + name + " is invalid: " + why));
    } else if (e instanceof SchemaValidationException sve) {
      errors.addAll(bodyErrors(sve.getOutputUnit()));
    }
    if (errors.isEmpty()) errors.add(new FieldError("body", String.valueOf(e.getMessage())));
    return Problem.invalid(422, errors);
  }

  private static String reason(ValidatorException e) {
    String m = String.valueOf(e.getMessage());
    int at = m.indexOf("Reason: ");
    return at >= 0 ? m.substring(at + 8) : m;
  }

  /** One error per field: the deepest message the schema validator gave for it. */
  private static List<FieldError> bodyErrors(OutputUnit unit) {
    Map<String, String> byField = new LinkedHashMap<>();
    collect(unit, byField);
    List<FieldError> out = new ArrayList<>();
    byField.forEach((field, message) -> out.add(new FieldError(field, field + ": " + message)));
    return out;
  }

  private static void collect(OutputUnit unit, Map<String, String> byField) {
    if (unit == null) return;
    if (unit.getErrors() != null && !unit.getErrors().isEmpty()) {
      for (OutputUnit child : unit.getErrors()) collect(child, byField);
      return;
    }
    if (unit.getError() == null) return;
    String field = field(unit.getInstanceLocation());
    Matcher p = PROPERTY.matcher(unit.getError());
    if (field.isEmpty() && p.find()) field = p.group(1);
    if (field.isEmpty()) field = "body";
    byField.putIfAbsent(field, unit.getError());
  }

  private static String field(String instanceLocation) {
    if (instanceLocation == null) return "";
    String f = instanceLocation.replaceFirst("^#?/?", "");
    return f.replace('/', '.');
  }
}
