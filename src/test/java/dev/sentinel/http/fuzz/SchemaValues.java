package dev.sentinel.http.fuzz;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The values a fuzz test tries for one field, made from its schema: each JSON type, explicit
 * null, and each boundary (minimum and maximum and one step past them, exclusive bounds, the
 * lengths and characters at and past a pattern's edges, enum outsiders, RFC 3339 edge cases),
 * plus number spellings a parser may mishandle (1e400, 1e-400, -0, 1.0, 2^63). What the contract
 * says of each is {@link SchemaRules}'s to decide, not this class's.
 */
final class SchemaValues {

  /** A value to try: for a body field its JSON text, for a parameter the text the server should receive. */
  record Value(String label, String text) {}

  private static final String[] NUMBER_SPELLINGS = {"1e400", "-1e400", "1e-400", "-0", "9223372036854775808",
      "-9223372036854775809", "18446744073709551616"};
  private static final String[] NOT_JSON_NUMBERS = {"NaN", "Infinity", "-Infinity", "01", "+1", ".5", "1.", "0x10"};
  private static final String[] LENIENT_TEXT_NUMBERS = {"+5", "05", " 5", "1_000", "\u0663", "\uff15", "5 5"};
  private static final String[] DATE_TIMES = {"2026-12-01T08:00:00+02:00", "2026-12-01T08:00:00.123Z",
      "2026-12-01t08:00:00z", "2026-12-01 08:00:00Z", "2026-12-31T23:59:60Z", "0000-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z", "2026-12-01T08:00:00.1234567891Z", "+10000-01-01T00:00:00Z",
      "+1000000000-12-31T23:59:59Z", "-1000000000-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-01T24:00:00Z",
      "2026-12-01T08:00:00", "2026-12-01T08:00Z", "2026-12-01", "1764245550", "tomorrow", ""};
  private static final String[] DATES = {"2024-02-29", "2026-02-29", "0000-01-01", "9999-12-31", "+10000-01-01",
      "-0001-01-01", "+999999999-12-31", "2026-13-01", "2026-1-01", "2026-11-01T00:00:00Z", "20261101", ""};

  private SchemaValues() {}

  /** For a body field: JSON texts. {@code base} is the field's value in the base request (may be null). */
  static List<Value> forBody(JsonObject schema, Object base) {
    Map<String, Value> out = new LinkedHashMap<>();
    add(out, "null", "null");
    String baseJson = base == null ? "1" : Json.encode(base);
    add(out, "as a string", Json.encode(base instanceof String s ? s : base == null ? "1" : baseJson));
    add(out, "as an integer", "1");
    add(out, "as a number", "1.5");
    add(out, "as a boolean", "true");
    add(out, "as an array", "[" + baseJson + "]");
    add(out, "as an object", "{}");
    Set<String> types = ContractModel.types(schema);
    if (types.contains("integer") || types.contains("number")) {
      numbers(schema, types).forEach(v -> add(out, v.label(), v.text()));
      for (String s : NUMBER_SPELLINGS) add(out, "spelled " + s, s);
      for (String s : NOT_JSON_NUMBERS) add(out, "not a JSON number: " + s, s);
    }
    if (types.contains("string")) strings(schema, base).forEach(v -> add(out, v.label(), Json.encode(v.text())));
    return List.copyOf(out.values());
  }

  /**
   * For a path, query or header parameter: the text the server should receive (encoded for the
   * request by the caller). A header value cannot hold CR, LF or other controls without breaking
   * HTTP itself, so those are left out there.
   */
  static List<Value> forParameter(JsonObject schema, Object base, String in) {
    Map<String, Value> out = new LinkedHashMap<>();
    String baseText = base == null ? "1" : String.valueOf(base);
    for (String s : new String[] {"", "abc", "1", "-1", "1.5", "true", "null", "[1]", "{}", "1,2", baseText + "," + baseText}) {
      add(out, "text " + Json.encode(s), s);
    }
    Set<String> types = ContractModel.types(schema);
    if (types.contains("integer") || types.contains("number")) {
      numbers(schema, types).forEach(v -> add(out, v.label(), v.text()));
      for (String s : NUMBER_SPELLINGS) add(out, "spelled " + s, s);
      for (String s : NOT_JSON_NUMBERS) add(out, "spelled " + s, s);
      for (String s : LENIENT_TEXT_NUMBERS) add(out, "spelled " + Json.encode(s), s);
    }
    if (types.isEmpty() || types.contains("string")) strings(schema, base).forEach(v -> add(out, v.label(), v.text()));
    if (in.equals("header")) out.values().removeIf(v -> v.text().chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f));
    return List.copyOf(out.values());
  }

  /** Each bound, a step below and above it (1 for integers; 1 and 0.001 for numbers), and integers spelled as decimals. */
  private static List<Value> numbers(JsonObject schema, Set<String> types) {
    boolean integer = !types.contains("number");
    List<Value> out = new ArrayList<>();
    BigDecimal anyInside = null;
    for (String bound : new String[] {"minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"}) {
      if (!(schema.getValue(bound) instanceof Number n)) continue;
      BigDecimal b = new BigDecimal(n.toString());
      if (anyInside == null && bound.equals("minimum")) anyInside = b;
      out.add(new Value(bound + " - 1", plain(b.subtract(BigDecimal.ONE))));
      out.add(new Value(bound, plain(b)));
      out.add(new Value(bound + " + 1", plain(b.add(BigDecimal.ONE))));
      if (!integer) {
        BigDecimal step = new BigDecimal("0.001");
        out.add(new Value(bound + " - 0.001", plain(b.subtract(step))));
        out.add(new Value(bound + " + 0.001", plain(b.add(step))));
      }
    }
    if (integer) {
      BigDecimal v = anyInside == null ? BigDecimal.ONE : anyInside;
      out.add(new Value("an integer spelled with a fraction", plain(v) + ".0"));
      out.add(new Value("an integer spelled with an exponent", plain(v) + "e0"));
      out.add(new Value("a fraction inside the range", plain(v.add(new BigDecimal("0.5")))));
      out.add(new Value("100 spelled 1e2", "1e2"));
    }
    return out;
  }

  /** Enum members and outsiders, pattern boundaries, lengths, RFC 3339 edge cases, odd characters. */
  private static List<Value> strings(JsonObject schema, Object base) {
    List<Value> out = new ArrayList<>();
    String baseText = base instanceof String s ? s : null;
    JsonArray allowed = schema.getJsonArray("enum");
    if (allowed != null) {
      for (Object v : allowed) out.add(new Value("enum member " + v, String.valueOf(v)));
      String first = String.valueOf(allowed.getValue(0));
      out.add(new Value("enum member in upper case", first.toUpperCase(Locale.ROOT)));
      out.add(new Value("enum member with a trailing space", first + " "));
      out.add(new Value("enum members joined", first + "," + allowed.getValue(allowed.size() - 1)));
      out.add(new Value("not an enum member", "unknown"));
    }
    String pattern = schema.getString("pattern");
    if (pattern != null) {
      PatternShape.parse(pattern).ifPresent(shape -> out.addAll(shape.boundaries()));
    }
    if (schema.getValue("minLength") instanceof Number min) {
      out.add(new Value("minLength - 1", "a".repeat(Math.max(0, min.intValue() - 1))));
      out.add(new Value("minLength", "a".repeat(min.intValue())));
    }
    if (schema.getValue("maxLength") instanceof Number max) {
      int m = max.intValue();
      out.add(new Value("maxLength", "a".repeat(m)));
      out.add(new Value("maxLength + 1", "a".repeat(m + 1)));
      out.add(new Value("maxLength in 2-byte characters", "\u00e9".repeat(m)));
      // JSON Schema counts code points: each of these is one, though two UTF-16 units
      out.add(new Value("maxLength in characters outside the BMP", "\ud83d\ude00".repeat(m)));
      out.add(new Value("maxLength + 1 in characters outside the BMP", "\ud83d\ude00".repeat(m + 1)));
    }
    String format = schema.getString("format");
    if ("date-time".equals(format)) for (String s : DATE_TIMES) out.add(new Value("date-time " + s, s));
    if ("date".equals(format)) for (String s : DATES) out.add(new Value("date " + s, s));
    if (baseText != null) {
      out.add(new Value("base value with a trailing newline", baseText + "\n"));
      out.add(new Value("base value with a leading space", " " + baseText));
      out.add(new Value("base value in double quotes (a JSON string literal)", "\"" + baseText + "\""));
    }
    out.add(new Value("empty string", ""));
    out.add(new Value("a NUL character", "\u0000"));
    out.add(new Value("markup", "<script>alert(1)</script>"));
    return out;
  }

  private static String plain(BigDecimal v) {
    return v.stripTrailingZeros().toPlainString();
  }

  private static void add(Map<String, Value> out, String label, String text) {
    out.putIfAbsent(text, new Value(label, text));
  }
}
