package dev.sentinel.store;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;

import java.util.Map;

/**
 * JSON text of the objects a worker writes and reads on every step (checkpoints, results, task
 * params), through Vert.x's streaming Jackson codec. {@link JsonObject#encode()} goes through
 * jackson-databind once it is on the class path (it is: the YAML config needs it); for plain
 * JSON values the text is the same, but databind's serializer lookup costs several times the
 * CPU per call, and its huge inlined call tree kept the JIT busy for seconds after start-up.
 */
public final class JsonText {
  private JsonText() {}

  /** Stateless. Not Json.CODEC nor JacksonFactory.CODEC: both are the databind codec when databind is present. */
  private static final JacksonCodec STREAMING = new JacksonCodec();

  public static String encode(JsonObject o) {
    try {
      return STREAMING.toString(o, false);
    } catch (EncodeException e) {
      return o.encode();   // a value only databind can map (a POJO a node put in): same text, slower path
    }
  }

  /** @throws DecodeException when the text is not a JSON object, as {@code new JsonObject(text)} does */
  @SuppressWarnings("unchecked")
  public static JsonObject decode(String text) {
    return new JsonObject(STREAMING.fromString(text, Map.class));
  }
}
