package dev.sentinel.http.fuzz;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sentinel.http.fuzz.Expected.ACCEPTED;
import static dev.sentinel.http.fuzz.Expected.EITHER;
import static dev.sentinel.http.fuzz.Expected.REFUSED;

/**
 * What a schema of the contract says of one value: the JSON Schema 2020-12 rules the contract
 * uses ({@code not: {}}, which nothing matches, for the fields the server owns; type, enum, minimum and maximum, exclusive ones, minLength and maxLength counted in code
 * points, pattern with ECMA-262's {@code $}, the date and date-time formats of RFC 3339).
 * Computed here, independently of the server, so a test can compare the two.
 */
final class SchemaRules {

  private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  /** Below this a double is subnormal or zero: 1e-400 reaches the server as 0. */
  private static final BigDecimal SMALLEST_NORMAL = new BigDecimal(Double.MIN_NORMAL);
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final Pattern DATE_TIME = Pattern.compile(
      "([0-9]{4}-[0-9]{2}-[0-9]{2})([Tt ])([0-9]{2}:[0-9]{2}):([0-9]{2})(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})");

  private SchemaRules() {}

  /** A value given as JSON text (a body field): null, a literal, a string, an array, an object, or not JSON at all. */
  static Expected json(JsonObject schema, String text) {
    if (matchesNothing(schema)) return REFUSED;
    String t = text.strip();
    Set<String> types = ContractModel.types(schema);
    if (t.equals("null")) return allows(types, "null") ? ACCEPTED : REFUSED;
    if (t.equals("true") || t.equals("false")) return allows(types, "boolean") ? ACCEPTED : REFUSED;
    if (JSON_NUMBER.matcher(t).matches()) return number(schema, types, new BigDecimal(t), true);
    Object decoded;
    try {
      decoded = Json.decodeValue(t);
    } catch (DecodeException e) {
      return REFUSED;   // not JSON: 400
    }
    if (decoded instanceof String s) return allows(types, "string") ? string(schema, s) : REFUSED;
    if (decoded instanceof JsonArray) return allows(types, "array") ? ACCEPTED : REFUSED;
    if (decoded instanceof JsonObject) return allows(types, "object") ? ACCEPTED : REFUSED;
    return REFUSED;   // NaN and the like, should a lenient parser have taken them
  }

  /** A parameter's value as the server receives it (decoded, and trimmed for a header). */
  static Expected text(JsonObject schema, String text) {
    Set<String> types = ContractModel.types(schema);
    if (types.isEmpty() || allows(types, "string")) return string(schema, text);
    if (allows(types, "number") || allows(types, "integer")) {
      if (JSON_NUMBER.matcher(text).matches()) return number(schema, types, new BigDecimal(text), true);
      // "+5", "05", " 5", "5.": numbers to a lenient parser, not in JSON's grammar
      String s = text.strip();
      if (!s.isEmpty() && s.chars().allMatch(c -> c < 0x80)) {
        try {
          return number(schema, types, new BigDecimal(s), false).and(EITHER);
        } catch (NumberFormatException e) {
          return REFUSED;
        }
      }
      return REFUSED;
    }
    if (allows(types, "boolean")) return text.equals("true") || text.equals("false") ? ACCEPTED : REFUSED;
    return REFUSED;
  }

  /** {@code not: {}}: the schema of a field the server owns, refused whatever its value. */
  static boolean matchesNothing(JsonObject schema) {
    return schema.getValue("not") instanceof JsonObject not && not.isEmpty();
  }

  private static boolean allows(Set<String> types, String type) {
    return types.isEmpty() || types.contains(type) || (type.equals("integer") && types.contains("number"));
  }

  private static Expected number(JsonObject schema, Set<String> types, BigDecimal v, boolean jsonSyntax) {
    boolean integral = v.signum() == 0 || v.stripTrailingZeros().scale() <= 0;
    boolean tiny = v.signum() != 0 && v.abs().compareTo(SMALLEST_NORMAL) < 0;
    boolean typeOk = types.isEmpty() || types.contains("number") || (types.contains("integer") && integral);
    if (!typeOk && !(types.contains("integer") && tiny)) return REFUSED;
    if (below(schema, "minimum", v, false) || below(schema, "exclusiveMinimum", v, true)
        || above(schema, "maximum", v, false) || above(schema, "exclusiveMaximum", v, true)) return REFUSED;
    return tiny || !typeOk ? EITHER : ACCEPTED;
  }

  private static boolean below(JsonObject schema, String key, BigDecimal v, boolean exclusive) {
    Object limit = schema.getValue(key);
    if (!(limit instanceof Number n)) return false;
    int c = v.compareTo(new BigDecimal(n.toString()));
    return exclusive ? c <= 0 : c < 0;
  }

  private static boolean above(JsonObject schema, String key, BigDecimal v, boolean exclusive) {
    Object limit = schema.getValue(key);
    if (!(limit instanceof Number n)) return false;
    int c = v.compareTo(new BigDecimal(n.toString()));
    return exclusive ? c >= 0 : c > 0;
  }

  private static Expected string(JsonObject schema, String s) {
    JsonArray allowed = schema.getJsonArray("enum");
    if (allowed != null && !allowed.contains(s)) return REFUSED;
    int length = s.codePointCount(0, s.length());
    if (schema.getValue("minLength") instanceof Number min && length < min.intValue()) return REFUSED;
    if (schema.getValue("maxLength") instanceof Number max && length > max.intValue()) return REFUSED;
    String pattern = schema.getString("pattern");
    if (pattern != null && !ecma(pattern).matcher(s).find()) return REFUSED;
    String format = schema.getString("format");
    if ("date".equals(format)) return date(s);
    if ("date-time".equals(format)) return dateTime(s);
    return ACCEPTED;
  }

  /**
   * The pattern as ECMA-262 reads it: there {@code $} (without the m flag) is the end of the
   * input, where java.util.regex also matches before a final line terminator ("acme\n").
   */
  static Pattern ecma(String pattern) {
    StringBuilder b = new StringBuilder();
    boolean inClass = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        b.append(c).append(pattern.charAt(++i));
        continue;
      }
      if (c == '[') inClass = true;
      if (c == ']') inClass = false;
      b.append(c == '$' && !inClass ? "\\z" : String.valueOf(c));
    }
    return Pattern.compile(b.toString());
  }

  /** RFC 3339 full-date: four digits of year, a real day. */
  private static Expected date(String s) {
    if (!DATE.matcher(s).matches()) return REFUSED;
    try {
      LocalDate.parse(s);
      return ACCEPTED;
    } catch (DateTimeParseException e) {
      return REFUSED;
    }
  }

  /**
   * RFC 3339 date-time. What the RFC allows but a server may fairly refuse is EITHER: a space
   * or a lower-case t/z (the RFC lets applications require upper case), a leap second, a
   * fraction beyond the nanosecond.
   */
  private static Expected dateTime(String s) {
    Matcher m = DATE_TIME.matcher(s);
    if (!m.matches()) return REFUSED;
    String seconds = m.group(4);
    String fraction = m.group(5) == null ? "" : m.group(5);
    try {
      OffsetDateTime.parse(m.group(1) + "T" + m.group(3) + ":" + (seconds.equals("60") ? "59" : seconds)
          + (fraction.length() > 10 ? fraction.substring(0, 10) : fraction) + m.group(6).toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      return REFUSED;
    }
    boolean odd = !m.group(2).equals("T") || m.group(6).equals("z") || seconds.equals("60") || fraction.length() > 10;
    return odd ? EITHER : ACCEPTED;
  }
}
