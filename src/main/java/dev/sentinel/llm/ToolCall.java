package dev.sentinel.llm;

import io.vertx.core.json.JsonObject;

/**
 * A tool call the model asked for: the provider's call id (a {@code role: tool} message answers
 * it by that id), the function's name and its arguments as the JSON text the model wrote (kept
 * as text: the model may write invalid JSON, which the tool is told about rather than the call
 * failing).
 */
public record ToolCall(String id, String name, String arguments) {

  /** The arguments as an object; empty when the model wrote none, invalid JSON fails. */
  public JsonObject argumentsJson() {
    return arguments == null || arguments.isBlank() ? new JsonObject() : new JsonObject(arguments);
  }

  /** As recorded in a step and as OpenAI's {@code tool_calls[]} entry. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("type", "function")
        .put("function", new JsonObject().put("name", name).put("arguments", arguments == null ? "{}" : arguments));
  }

  public static ToolCall fromJson(JsonObject j) {
    JsonObject f = j.getJsonObject("function");
    if (f == null || f.getString("name") == null) throw new IllegalArgumentException("tool call without function.name");
    return new ToolCall(j.getString("id"), f.getString("name"), f.getValue("arguments") instanceof String s ? s
        : f.getValue("arguments") == null ? "{}" : String.valueOf(f.getValue("arguments")));
  }
}
