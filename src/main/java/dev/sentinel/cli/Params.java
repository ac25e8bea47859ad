package dev.sentinel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * task_params from the command line: {@code --params-file F} (a JSON object) with each
 * {@code --param k=v} laid over it. A value that reads as JSON is taken as JSON ({@code steps=3}
 * is a number, {@code ok=true} a boolean, {@code tags=["a"]} a list); anything else is a string.
 */
final class Params {
  private Params() {}

  static Map<String, Object> of(ObjectMapper json, Path file, List<String> pairs) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    if (file != null) {
      JsonNode tree = json.readTree(Files.readString(file));
      if (!tree.isObject()) throw new IllegalArgumentException("--params-file " + file + " must hold a JSON object");
      out.putAll(json.convertValue(tree, Map.class));
    }
    for (String pair : pairs == null ? List.<String>of() : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("--param " + pair + ": expected key=value");
      out.put(pair.substring(0, eq), value(json, pair.substring(eq + 1)));
    }
    return out;
  }

  static Object value(ObjectMapper json, String text) {
    try {
      return json.readValue(text, Object.class);
    } catch (IOException notJson) {
      return text;
    }
  }
}
