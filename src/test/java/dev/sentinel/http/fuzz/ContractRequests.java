package dev.sentinel.http.fuzz;

import dev.sentinel.http.fuzz.ContractModel.Operation;
import dev.sentinel.http.fuzz.ContractModel.Parameter;
import dev.sentinel.http.fuzz.FuzzRequest.Auth;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

import static dev.sentinel.http.fuzz.Expected.ACCEPTED;
import static dev.sentinel.http.fuzz.Expected.EITHER;
import static dev.sentinel.http.fuzz.Expected.REFUSED;

/**
 * Requests made from the contract, field by field: for every operation a control request (the
 * base values: the contract's examples unless the test gives its own), then one request per
 * value of one field, everything else as in the control. Fields are every parameter (path,
 * query, header) and every request-body property, nested ones included; values are those of
 * {@link SchemaValues}, left-out fields, an unknown field, the fields the server owns (those its
 * answer has and the request schema has not), and bodies that are no object. Each carries what
 * {@link SchemaRules} says the contract expects. All go with the admin key, so that they reach
 * validation.
 *
 * <p>Which requests go over a raw socket, and which of the two ways the key is sent, is drawn
 * from the seed; everything else follows from the contract alone.
 */
public final class ContractRequests {

  /** The name the unknown-field cases use: no schema of the contract has it. */
  public static final String UNKNOWN_FIELD = "fuzz_unknown_field";
  private static final String MARKER = "@@fuzz-value-7f3a@@";
  private static final int RAW_PERCENT = 25;

  /**
   * One generated request.
   *
   * @param field where the varied value went: a parameter's name or a body property's dotted
   *              path; "(body)" for the body as a whole, "(control)" for the control request
   * @param in    path, query, header or body
   */
  public record FieldCase(FuzzRequest request, String field, String in, String label, Expected expected, Rule brokenRule) {
    public boolean isControl() { return field.equals("(control)"); }

    /** The fields a 422 may name for this case: the one varied, or the one a broken cross-field rule names. */
    public Set<String> fieldsToName() {
      return brokenRule == null || brokenRule.field().equals(field) ? Set.of(field) : Set.of(field, brokenRule.field());
    }
  }

  /**
   * A rule between fields that the operation's description states and its schema cannot (as
   * written) express; a body that breaks it must be refused, with a 422 naming {@code field}.
   */
  public record Rule(String operationId, String field, String statement, Predicate<JsonObject> holds) {}

  /** An operation's control request and its field cases. */
  public record OperationCases(Operation operation, List<FieldCase> cases) {}

  /** The base values a test sets instead of the contract's examples, per parameter or per operation. */
  public static final class Bases {
    private final Map<String, Object> params = new HashMap<>();
    private final Map<String, JsonObject> bodies = new HashMap<>();
    private final Map<String, Rule> rules = new HashMap<>();

    /** For every operation with this parameter. */
    public Bases param(String in, String name, Object value) {
      params.put(in + ":" + name, value);
      return this;
    }

    /** For one operation's parameter (wins over {@link #param(String, String, Object)}). */
    public Bases param(String operationId, String in, String name, Object value) {
      params.put(operationId + "/" + in + ":" + name, value);
      return this;
    }

    public Bases body(String operationId, JsonObject body) {
      bodies.put(operationId, body);
      return this;
    }

    public Bases rule(Rule rule) {
      rules.put(rule.operationId(), rule);
      return this;
    }

    Object param(Operation op, Parameter p) {
      String key = p.in() + ":" + p.name();
      if (params.containsKey(op.id() + "/" + key)) return params.get(op.id() + "/" + key);
      if (params.containsKey(key)) return params.get(key);
      return p.example();
    }
  }

  private final ContractModel contract;
  private final String adminKey;
  private final Bases bases;
  private final Random rnd;

  public ContractRequests(ContractModel contract, String adminKey, Bases bases, long seed) {
    this.contract = contract;
    this.adminKey = adminKey;
    this.bases = bases;
    this.rnd = new Random(seed);
  }

  public List<OperationCases> all() {
    List<OperationCases> out = new ArrayList<>();
    for (Operation op : contract.operations()) out.add(new OperationCases(op, cases(op)));
    return out;
  }

  private List<FieldCase> cases(Operation op) {
    Base base = base(op);
    List<FieldCase> out = new ArrayList<>();
    out.add(fieldCase(op, request(op, base), "(control)", "", "the base values", ACCEPTED));
    for (Parameter p : op.parameters()) {
      if (!p.in().equals("path")) {
        Base without = base.copy();
        without.params.remove(p.in() + ":" + p.name());
        out.add(fieldCase(op, request(op, without), p.name(), p.in(), "left out", p.required() ? REFUSED : ACCEPTED));
      }
      for (SchemaValues.Value v : SchemaValues.forParameter(p.schema(), bases.param(op, p), p.in())) {
        Base with = base.copy();
        with.params.put(p.in() + ":" + p.name(), v.text());
        // a header's value reaches the server without the spaces and tabs around it
        String received = p.in().equals("header") ? v.text().replaceAll("^[ \t]+|[ \t]+$", "") : v.text();
        // an empty path segment names another resource (/tasks/ is the list) or none: not this parameter
        Expected expected = p.in().equals("path") && v.text().isEmpty() ? EITHER : SchemaRules.text(p.schema(), received);
        out.add(fieldCase(op, request(op, with), p.name(), p.in(), v.label(), expected));
      }
    }
    if (op.bodySchema() != null) {
      bodyCases(op, base, op.bodySchema(), List.of(), out);
      serverOwnedCases(op, base, out);
      for (String notAnObject : new String[] {"null", "[]", "\"x\"", "1", "true", ""}) {
        Base with = base.copy();
        with.rawBody = notAnObject;
        out.add(fieldCase(op, request(op, with), "(body)", "body", "body " + Json.encode(notAnObject), REFUSED));
      }
    }
    return out;
  }

  /** The case, made stricter where its body breaks the operation's cross-field rule. */
  private FieldCase fieldCase(Operation op, FuzzRequest request, String field, String in, String label, Expected expected) {
    Rule rule = bases.rules.get(op.id());
    if (rule != null && request.body() != null) {
      Object body;
      try {
        body = Json.decodeValue(new String(request.body(), StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        body = null;
      }
      if (body instanceof JsonObject o && !rule.holds().test(o)) return new FieldCase(request, field, in, label, REFUSED, rule);
    }
    return new FieldCase(request, field, in, label, expected, null);
  }

  /** Cases for each property of an object schema at {@code path} (the body itself at the empty path), recursively. */
  private void bodyCases(Operation op, Base base, JsonObject schema, List<String> path, List<FieldCase> out) {
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    JsonArray required = schema.getJsonArray("required", new JsonArray());
    JsonObject here = objectAt(base.body, path);
    if (here == null) {   // a nested object the base body does not have: start it empty
      base = base.copy();
      objectAt(base.body, path.subList(0, path.size() - 1)).put(path.get(path.size() - 1), new JsonObject());
      here = objectAt(base.body, path);
    }
    for (String name : properties.fieldNames()) {
      JsonObject property = properties.getJsonObject(name);
      List<String> at = append(path, name);
      String field = String.join(".", at);
      Base without = base.copy();
      objectAt(without.body, path).remove(name);
      out.add(fieldCase(op, request(op, without), field, "body", "left out",
          required.contains(name) ? REFUSED : objectRules(schema, objectAt(without.body, path))));
      Object baseValue = here == null ? null : here.getValue(name);
      for (SchemaValues.Value v : SchemaValues.forBody(property, baseValue)) {
        Base with = base.copy();
        with.rawAt = at;
        with.rawValue = v.text();
        out.add(fieldCase(op, request(op, with), field, "body", v.label(), SchemaRules.json(property, v.text())));
      }
      if (property.containsKey("properties")) bodyCases(op, base, property, at, out);
    }
    Base unknown = base.copy();
    objectAt(unknown.body, path).put(UNKNOWN_FIELD, "x");
    boolean closed = Boolean.FALSE.equals(schema.getValue("additionalProperties"));
    out.add(fieldCase(op, request(op, unknown), String.join(".", append(path, UNKNOWN_FIELD)), "body", "a field the schema does not name",
        closed ? REFUSED : objectRules(schema, objectAt(unknown.body, path))));
    Base empty = base.copy();
    if (path.isEmpty()) empty.body = new JsonObject();
    else objectAt(empty.body, path.subList(0, path.size() - 1)).put(path.get(path.size() - 1), new JsonObject());
    out.add(fieldCase(op, request(op, empty), path.isEmpty() ? "(body)" : String.join(".", path), "body", "an empty object",
        required.isEmpty() ? objectRules(schema, new JsonObject()) : REFUSED));
  }

  /** minProperties, the one object-level rule besides required and additionalProperties that the contract uses. */
  private static Expected objectRules(JsonObject schema, JsonObject value) {
    if (schema.getValue("minProperties") instanceof Number min && value != null && value.size() < min.intValue()) return REFUSED;
    return ACCEPTED;
  }

  /**
   * The fields the answer has are the request's own or the server's (task_id, status, epoch,
   * ...; the contract declares those as {@code not: {}} and {@link #bodyCases} covers them). One
   * the request schema forgot would be ignored as unknown where unknown fields are allowed:
   * send it and expect the refusal the contract promises of server-owned fields.
   */
  private void serverOwnedCases(Operation op, Base base, List<FieldCase> out) {
    if (op.successSchema() == null || Boolean.FALSE.equals(op.bodySchema().getValue("additionalProperties"))) return;
    Set<String> requestFields = op.bodySchema().getJsonObject("properties", new JsonObject()).fieldNames();
    JsonObject answer = op.successSchema().getJsonObject("properties", new JsonObject());
    for (String name : answer.fieldNames()) {
      if (requestFields.contains(name)) continue;
      Base with = base.copy();
      with.rawAt = List.of(name);
      with.rawValue = sample(answer.getJsonObject(name));
      out.add(fieldCase(op, request(op, with), name, "body", "a field the server owns", REFUSED));
    }
  }

  /** A plausible value of a schema's type, as the server itself would write it. */
  private static String sample(JsonObject schema) {
    JsonArray members = schema.getJsonArray("enum");
    if (members != null) return Json.encode(members.getValue(0));
    Set<String> types = ContractModel.types(schema);
    if (types.contains("integer") || types.contains("number")) return "1";
    if (types.contains("string")) return "date-time".equals(schema.getString("format")) ? "\"2026-11-27T12:00:00Z\"" : "\"x\"";
    if (types.contains("boolean")) return "true";
    if (types.contains("array")) return "[]";
    return "{}";
  }

  // ---------------------------------------------------------------- the request itself

  /** A request's varying parts: parameter values by "in:name" (absent: left out) and the body. */
  private static final class Base {
    Map<String, String> params = new LinkedHashMap<>();
    JsonObject body;
    /** A value that may not be valid JSON, put at this path of the body as it is. */
    List<String> rawAt;
    String rawValue;
    /** The whole body as this text, instead of {@link #body}. */
    String rawBody;

    Base copy() {
      Base b = new Base();
      b.params = new LinkedHashMap<>(params);
      b.body = body == null ? null : body.copy();
      b.rawAt = rawAt;
      b.rawValue = rawValue;
      b.rawBody = rawBody;
      return b;
    }
  }

  private Base base(Operation op) {
    Base b = new Base();
    for (Parameter p : op.parameters()) {
      Object v = bases.param(op, p);
      // optional headers modify a request (an Idempotency-Key would turn every later case into a replay): only their own cases send them
      boolean optionalHeader = p.in().equals("header") && !p.required();
      if (v != null && !optionalHeader) b.params.put(p.in() + ":" + p.name(), String.valueOf(v));
      else if (p.required()) throw new IllegalStateException(op.id() + ": no base value for the required " + p.in() + " parameter " + p.name());
    }
    if (op.bodySchema() != null) b.body = bases.bodies.containsKey(op.id()) ? bases.bodies.get(op.id()).copy() : op.bodyExample().copy();
    return b;
  }

  private FuzzRequest request(Operation op, Base b) {
    String path = op.path();
    for (Parameter p : op.parameters()) {
      if (p.in().equals("path")) path = path.replace("{" + p.name() + "}", encode(b.params.getOrDefault("path:" + p.name(), "")));
    }
    StringBuilder query = new StringBuilder();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    boolean bearer = rnd.nextBoolean();
    headers.add(bearer ? Map.entry("Authorization", "Bearer " + adminKey) : Map.entry("X-API-Key", adminKey));
    for (Parameter p : op.parameters()) {
      String v = b.params.get(p.in() + ":" + p.name());
      if (v == null) continue;
      if (p.in().equals("query")) query.append(query.length() == 0 ? "?" : "&").append(encode(p.name())).append('=').append(encode(v));
      if (p.in().equals("header")) headers.add(Map.entry(p.name(), v));
    }
    byte[] body = null;
    if (op.bodySchema() != null) {
      headers.add(Map.entry("Content-Type", "application/json"));
      body = bodyText(b).getBytes(StandardCharsets.UTF_8);
    }
    return new FuzzRequest(op.id(), op.method(), path + query, headers, body, Auth.ADMIN, rnd.nextInt(100) < RAW_PERCENT);
  }

  private static String bodyText(Base b) {
    if (b.rawBody != null) return b.rawBody;
    if (b.rawAt == null) return b.body.encode();
    JsonObject copy = b.body.copy();
    JsonObject parent = objectAt(copy, b.rawAt.subList(0, b.rawAt.size() - 1));
    if (parent == null) {   // the parent is not an object in the base: make it one
      parent = new JsonObject();
      objectAt(copy, b.rawAt.subList(0, b.rawAt.size() - 2)).put(b.rawAt.get(b.rawAt.size() - 2), parent);
    }
    parent.put(b.rawAt.get(b.rawAt.size() - 1), MARKER);
    return copy.encode().replace(Json.encode(MARKER), b.rawValue);
  }

  /** The object at a path of properties, or null when something on the way is not an object. */
  private static JsonObject objectAt(JsonObject root, List<String> path) {
    JsonObject at = root;
    for (String name : path) {
      if (at == null || !(at.getValue(name) instanceof JsonObject next)) return null;
      at = next;
    }
    return at;
  }

  private static List<String> append(List<String> path, String name) {
    List<String> out = new ArrayList<>(path);
    out.add(name);
    return List.copyOf(out);
  }

  /** Percent-encodes all but RFC 3986's unreserved characters, as UTF-8. */
  static String encode(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
        b.append(c);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    return b.toString();
  }
}
