package dev.sentinel.llm;

import dev.sentinel.cost.Usage;
import dev.sentinel.crypto.Sha256;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The offline provider's tool-using turns: while no tool has answered yet, it asks for the first
 * offered tool once, its arguments made up from the tool's schema (every required string gets
 * the user's question, numbers 1, booleans false); once a tool answered, it answers with that
 * result. Deterministic (the call id is derived from the conversation), so a re-run of the same
 * step asks for the same call; its usage is counted from the text, as for any mock answer.
 */
final class MockToolUse {

  private MockToolUse() {}

  static LlmResponse turn(LlmRequest request) {
    List<LlmRequest.Message> messages = request.messages();
    LlmRequest.Message lastTool = null;
    String question = "";
    for (LlmRequest.Message m : messages) {
      if ("tool".equals(m.role())) lastTool = m;
      if ("user".equals(m.role()) && m.content() != null) question = m.content();
    }
    long input = Usage.estimateTokens(request.promptChars());
    if (lastTool != null) {
      String text = "[mock " + request.model() + "] The tool answered: " + lastTool.content();
      long output = Math.min(request.maxTokens(), Usage.estimateTokens(text.length()));
      return new LlmResponse(text, new Usage(input, output, 0, 0), request.model(), 0, "stop");
    }
    ToolSpec first = request.tools().get(0);
    String arguments = argumentsFor(first.parameters(), question).encode();
    String id = "call_" + Sha256.hex(request.model() + "\n" + first.name() + "\n" + arguments + "\n" + question).substring(0, 16);
    ToolCall call = new ToolCall(id, first.name(), arguments);
    long output = Usage.estimateTokens(first.name().length() + arguments.length());
    return new LlmResponse("", new Usage(input, output, 0, 0), request.model(), 0, "tool_calls", List.of(call));
  }

  /** Arguments that satisfy the schema's required properties, by their types. */
  static JsonObject argumentsFor(JsonObject schema, String question) {
    JsonObject args = new JsonObject();
    if (schema == null) return args;
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    for (Object name : schema.getJsonArray("required", new JsonArray())) {
      JsonObject p = properties.getJsonObject(String.valueOf(name), new JsonObject());
      Object type = p.getValue("type");
      args.put(String.valueOf(name), switch (type instanceof String t ? t : "string") {
        case "number", "integer" -> (Object) 1;
        case "boolean" -> false;
        case "array" -> new JsonArray();
        case "object" -> new JsonObject();
        default -> question;
      });
    }
    return args;
  }
}
