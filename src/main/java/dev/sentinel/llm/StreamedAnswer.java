package dev.sentinel.llm;

import dev.sentinel.cost.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An OpenAI-compatible streamed answer, read line by line: {@code data: {chunk}} lines whose
 * {@code choices[0].delta.content} add to the text, a last chunk carrying {@code usage} (asked
 * for with {@code stream_options.include_usage}), then {@code data: [DONE]}. Other SSE fields
 * and comments are skipped.
 */
final class StreamedAnswer {

  private final StringBuilder text = new StringBuilder();
  private String model;
  private String finishReason;
  private Usage usage;
  private boolean done;
  private int pieces;

  StreamedAnswer(String requestedModel) {
    this.model = requestedModel;
  }

  /**
   * @return the text piece the line carries, or null
   * @throws IllegalArgumentException a line that is no chunk, or an error the provider sent mid-stream
   */
  String read(String line) {
    String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    if (!l.startsWith("data:")) return null;
    String data = l.substring(5).trim();
    if ("[DONE]".equals(data)) {
      done = true;
      return null;
    }
    JsonObject chunk = new JsonObject(data);
    if (chunk.getValue("error") != null) throw new IllegalArgumentException("provider error mid-stream: " + chunk.getValue("error"));
    model = chunk.getString("model", model);
    if (chunk.getJsonObject("usage") != null) usage = OpenAiClient.usageOf(chunk.getJsonObject("usage"));
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) return null;
    JsonObject choice = choices.getJsonObject(0);
    if (choice.getString("finish_reason") != null) finishReason = choice.getString("finish_reason");
    JsonObject delta = choice.getJsonObject("delta");
    if (delta == null || !(delta.getValue("content") instanceof String piece) || piece.isEmpty()) return null;
    text.append(piece);
    pieces++;
    return piece;
  }

  boolean done() { return done; }

  int pieces() { return pieces; }

  String textSoFar() { return text.toString(); }

  /** @throws IllegalArgumentException no usage came: the cost could not be recorded exactly */
  LlmResponse response(long latencyMs) {
    if (usage == null) throw new IllegalArgumentException("no usage in the stream (stream_options.include_usage not honoured)");
    return new LlmResponse(text.toString(), usage, model, latencyMs, finishReason);
  }
}
