package dev.sentinel.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {{path.to.value}}} placeholders, read from the task state. A missing value renders as
 * an empty string, an object or array as its JSON. A JSON template (object, array) renders
 * every string inside it; a string that is exactly one placeholder keeps the value's type.
 */
public final class Template {

  /** {{a.b}}, or {{a|b}}: the first of the paths that has a value. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.\\-|]+)\\s*}}");

  private Template() {}

  public static String render(String template, JsonObject state) {
    if (template == null) return null;
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object v = lookup(state, m.group(1));
      String text = v == null ? "" : v instanceof JsonObject || v instanceof JsonArray ? v.toString() : String.valueOf(v);
      m.appendReplacement(out, Matcher.quoteReplacement(text));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Renders a JSON value (object, array, string, other) whose strings may hold placeholders. */
  public static Object renderJson(Object template, JsonObject state) {
    if (template instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      o.forEach(e -> out.put(e.getKey(), renderJson(e.getValue(), state)));
      return out;
    }
    if (template instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(v -> out.add(renderJson(v, state)));
      return out;
    }
    if (template instanceof String s) {
      Matcher whole = PLACEHOLDER.matcher(s);
      if (whole.matches()) return lookup(state, whole.group(1));
      return render(s, state);
    }
    return template;
  }

  /** The value at a dotted path ("search.text"), or at the first of several ("query|prompt"), or null. */
  public static Object lookup(JsonObject state, String paths) {
    for (String path : paths.split("\\|")) {
      Object v = lookupOne(state, path.trim());
      if (v != null) return v;
    }
    return null;
  }

  private static Object lookupOne(JsonObject state, String path) {
    Object current = state;
    for (String part : path.split("\\.")) {
      if (current instanceof JsonObject o) current = o.getValue(part);
      else if (current instanceof JsonArray a && part.matches("\\d+") && Integer.parseInt(part) < a.size()) current = a.getValue(Integer.parseInt(part));
      else return null;
    }
    return current;
  }
}
