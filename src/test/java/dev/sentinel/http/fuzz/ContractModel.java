package dev.sentinel.http.fuzz;

import dev.sentinel.http.ApiContract;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * openapi.yaml as the server itself loads it ({@link ApiContract}), read as operations: their
 * parameters (the path item's and the operation's), request body schema and example, and what
 * a success answers. Every {@code $ref} is resolved, so a schema is a plain JSON object.
 */
public final class ContractModel {

  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

  /** A parameter of an operation; {@code in} is path, query or header. */
  public record Parameter(String name, String in, boolean required, JsonObject schema, Object example) {}

  /**
   * @param bodySchema    the application/json request body's schema, null when the operation takes none
   * @param bodyExample   the schema's example, else the media type's
   * @param successSchema the first 2xx answer's application/json schema ({@code allOf} merged), null if none
   * @param successHeaders the headers that 2xx answer declares, lower case
   */
  public record Operation(String id, String method, String path, List<Parameter> parameters, JsonObject bodySchema,
                          JsonObject bodyExample, JsonObject successSchema, Set<String> successHeaders) {}

  private final JsonObject doc;
  private final List<Operation> operations = new ArrayList<>();

  private ContractModel(JsonObject doc) {
    this.doc = doc;
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : METHODS) {
        JsonObject op = item.getJsonObject(method);
        if (op != null) operations.add(operation(path, method, item, op));
      }
    }
  }

  public static ContractModel load() {
    return new ContractModel(new JsonObject(ApiContract.fromClasspath().json()));
  }

  public List<Operation> operations() { return List.copyOf(operations); }

  private Operation operation(String path, String method, JsonObject item, JsonObject op) {
    Map<String, Parameter> params = new LinkedHashMap<>();
    for (JsonArray list : new JsonArray[] {item.getJsonArray("parameters"), op.getJsonArray("parameters")}) {
      if (list == null) continue;
      for (Object p : list) {
        JsonObject param = resolve((JsonObject) p);
        Parameter parsed = new Parameter(param.getString("name"), param.getString("in"), param.getBoolean("required", false),
            resolve(param.getJsonObject("schema", new JsonObject())), param.getValue("example"));
        params.put(parsed.in() + ":" + parsed.name(), parsed);   // the operation's own overrides the path item's
      }
    }
    JsonObject bodySchema = null;
    JsonObject bodyExample = null;
    JsonObject body = op.getJsonObject("requestBody") == null ? null
        : resolve(op.getJsonObject("requestBody")).getJsonObject("content", new JsonObject()).getJsonObject("application/json");
    if (body != null) {
      bodySchema = resolve(body.getJsonObject("schema"));
      Object example = bodySchema.getValue("example", body.getValue("example"));
      if (example == null && body.getJsonObject("examples") != null) {
        JsonObject examples = body.getJsonObject("examples");
        example = resolve(examples.getJsonObject(examples.fieldNames().iterator().next())).getValue("value");
      }
      bodyExample = example instanceof JsonObject o ? o.copy() : new JsonObject();
    }
    JsonObject successSchema = null;
    Set<String> successHeaders = new LinkedHashSet<>();
    JsonObject responses = op.getJsonObject("responses", new JsonObject());
    for (String status : responses.fieldNames()) {
      if (!status.startsWith("2")) continue;
      JsonObject response = resolve(responses.getJsonObject(status));
      JsonObject json = response.getJsonObject("content", new JsonObject()).getJsonObject("application/json");
      if (json == null || json.getJsonObject("schema") == null) continue;
      successSchema = merged(resolve(json.getJsonObject("schema")));
      for (String h : response.getJsonObject("headers", new JsonObject()).fieldNames()) successHeaders.add(h.toLowerCase(Locale.ROOT));
      break;
    }
    return new Operation(op.getString("operationId"), method.toUpperCase(Locale.ROOT), path, List.copyOf(params.values()),
        bodySchema, bodyExample, successSchema, successHeaders);
  }

  /** The schema with every nested {@code $ref} replaced by what it names. */
  private JsonObject resolve(JsonObject node) {
    if (node == null) return null;
    if (node.containsKey("$ref")) return resolve(lookup(node.getString("$ref")));
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> e : node) {
      Object v = e.getValue();
      if (v instanceof JsonObject o) v = resolve(o);
      else if (v instanceof JsonArray a) {
        JsonArray copy = new JsonArray();
        for (Object x : a) copy.add(x instanceof JsonObject o ? resolve(o) : x);
        v = copy;
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private JsonObject lookup(String ref) {
    if (!ref.startsWith("#/")) throw new IllegalArgumentException("only local $refs are supported: " + ref);
    JsonObject at = doc;
    for (String part : ref.substring(2).split("/")) at = at.getJsonObject(part.replace("~1", "/").replace("~0", "~"));
    if (at == null) throw new IllegalArgumentException("$ref to nothing: " + ref);
    return at;
  }

  /** An {@code allOf} of objects as one object schema (their properties together). */
  private static JsonObject merged(JsonObject schema) {
    JsonArray all = schema.getJsonArray("allOf");
    if (all == null) return schema;
    JsonObject properties = new JsonObject();
    for (Object part : all) properties.mergeIn(merged((JsonObject) part).getJsonObject("properties", new JsonObject()));
    return new JsonObject().put("type", "object").put("properties", properties);
  }

  /** The JSON types a schema allows; empty when it does not say (any type). */
  public static Set<String> types(JsonObject schema) {
    Object t = schema.getValue("type");
    Set<String> out = new LinkedHashSet<>();
    if (t instanceof String s) out.add(s);
    else if (t instanceof JsonArray a) for (Object x : a) out.add(String.valueOf(x));
    return out;
  }
}
