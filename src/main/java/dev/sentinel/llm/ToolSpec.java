package dev.sentinel.llm;

import io.vertx.core.json.JsonObject;

/**
 * A tool offered to the model: OpenAI's {@code {"type": "function", "function": {name,
 * description, parameters}}}, {@code parameters} being the tool's JSON schema for its arguments.
 */
public record ToolSpec(String name, String description, JsonObject parameters) {

  public JsonObject toJson() {
    JsonObject f = new JsonObject().put("name", name);
    if (description != null && !description.isEmpty()) f.put("description", description);
    f.put("parameters", parameters == null ? new JsonObject().put("type", "object") : parameters);
    return new JsonObject().put("type", "function").put("function", f);
  }
}
