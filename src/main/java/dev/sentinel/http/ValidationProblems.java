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
import java.util.Set;
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
  private static final String IDENTIFIER_RULE = "1-128 characters of letters, digits, '_', '.' and '-'";
  /** The fields whose pattern is the contract's Identifier (the only pattern request bodies use; path and query ids too). */
  private static final Set<String> IDENTIFIERS = Set.of("tenant_id", "task_type", "agent_type", "task_id");

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
      if (why.contains("pattern") && IDENTIFIERS.contains(name)) why = "it must be " + IDENTIFIER_RULE;
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

  /**
   * One error per field: the message of the most specific keyword that failed for it (the
   * validator also reports "does not match schema" for the property and "a subschema had
   * errors" for a $ref), reworded where the validator's own words would puzzle a client.
   */
  private static List<FieldError> bodyErrors(OutputUnit unit) {
    return fieldErrors(unit, "");
  }

  /**
   * The failing fields of a value checked against a JSON schema, each named with {@code prefix}
   * in front (e.g. "data." for a wait's input checked against its node's schema).
   */
  static List<FieldError> fieldErrors(OutputUnit unit, String prefix) {
    Map<String, OutputUnit> byField = new LinkedHashMap<>();
    collect(unit, byField, prefix);
    List<FieldError> out = new ArrayList<>();
    byField.forEach((field, failed) -> out.add(new FieldError(field, message(field, failed))));
    return out;
  }

  private static void collect(OutputUnit unit, Map<String, OutputUnit> byField, String prefix) {
    if (unit == null) return;
    if (unit.getErrors() != null && !unit.getErrors().isEmpty()) {
      for (OutputUnit child : unit.getErrors()) collect(child, byField, prefix);
      return;
    }
    if (unit.getError() == null) return;
    String field = field(unit.getInstanceLocation());
    if (!prefix.isEmpty()) field = field.isEmpty() ? prefix.substring(0, prefix.length() - 1) : prefix + field;
    if ("required".equals(keyword(unit))) {   // reported at the object that lacks it
      Matcher p = PROPERTY.matcher(unit.getError());
      if (p.find()) field = field.isEmpty() ? p.group(1) : field + "." + p.group(1);
    }
    if (field.isEmpty()) field = "body";
    OutputUnit known = byField.get(field);
    if (known == null || depth(unit) > depth(known)) byField.put(field, unit);
  }

  private static String message(String field, OutputUnit failed) {
    String error = failed.getError();
    String name = field.substring(field.lastIndexOf('.') + 1);
    return switch (keyword(failed)) {
      case "required" -> field + " is required";
      case "not" -> field + " is set by the server and cannot be given";
      case "additionalProperties" -> field + " is not a field of this request";
      case "type" -> field + " must be " + expectedTypes(error);
      case "minimum", "exclusiveMinimum" -> field + " must be at least " + lastWord(error)
          + (failed.getKeywordLocation().endsWith("exclusiveMinimum") ? " (exclusive)" : "");
      case "maximum", "exclusiveMaximum" -> field + " must be at most " + lastWord(error)
          + (failed.getKeywordLocation().endsWith("exclusiveMaximum") ? " (exclusive)" : "");
      case "format" -> error.contains("date-time")
          ? field + " must be an ISO-8601 UTC time such as 2026-01-31T12:00:00Z"
          : field + ": " + error;
      case "pattern" -> IDENTIFIERS.contains(name)
          ? field + " must be " + IDENTIFIER_RULE
          : field + " does not have the form the API contract gives";
      default -> field + ": " + error;
    };
  }

  /** "Instance type array is invalid. Expected object, null" → "an object (or null)". */
  private static String expectedTypes(String error) {
    int at = error.indexOf("Expected ");
    if (at < 0) return "of the type the API contract gives";
    List<String> types = new ArrayList<>(List.of(error.substring(at + 9).trim().split("\\s*,\\s*")));
    boolean nullable = types.remove("null");
    List<String> named = types.stream().map(t -> switch (t) {
      case "object" -> "a JSON object";
      case "array" -> "an array";
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "string" -> "a string";
      case "boolean" -> "true or false";
      default -> t;
    }).toList();
    return String.join(" or ", named) + (nullable ? " (or null)" : "");
  }

  private static String lastWord(String error) {
    String[] words = error.trim().split("\\s+");
    return words[words.length - 1];
  }

  private static String keyword(OutputUnit unit) {
    String location = String.valueOf(unit.getKeywordLocation());
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private static int depth(OutputUnit unit) {
    return String.valueOf(unit.getKeywordLocation()).split("/").length;
  }

  private static String field(String instanceLocation) {
    if (instanceLocation == null) return "";
    String f = instanceLocation.replaceFirst("^#?/?", "");
    return f.replace('/', '.');
  }
}
