package dev.sentinel.store;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's JSON path must write and read exactly what JsonObject's own (databind) path does. */
class JsonTextTest {

  private static JsonObject everyKindOfValue() {
    return new JsonObject().put("s", "h\u00e9\"llo\n\u2028<>&").put("i", 1).put("l", 1L << 40).put("d", 1.5).put("b", true)
        .putNull("n").put("arr", new JsonArray().add(1).add("x").add(new JsonObject().put("k", "v")))
        .put("deep", new JsonObject().put("x", new BigDecimal("1.10")).put("big", new BigInteger("123456789012345678901234567890")))
        .put("bytes", new byte[] {1, 2, 3}).put("at", Instant.parse("2024-01-02T03:04:05Z"));
  }

  @Test void encodesTheSameTextAsJsonObjectEncode() {
    JsonObject o = everyKindOfValue();
    assertThat(JsonText.encode(o)).isEqualTo(o.encode());
  }

  @Test void decodesToWhatNewJsonObjectReads() {
    String text = everyKindOfValue().encode();
    assertThat(JsonText.decode(text)).isEqualTo(new JsonObject(text));
    assertThat(JsonText.decode(text).getValue("l")).isInstanceOf(Long.class);
  }

  @Test void aValueOnlyDatabindCanMapIsStillEncoded() {
    record Pojo(int x) {}
    JsonObject o = new JsonObject().put("p", new Pojo(7));
    assertThat(JsonText.encode(o)).isEqualTo(o.encode()).isEqualTo("{\"p\":{\"x\":7}}");
  }

  @Test void textThatIsNotAnObjectIsRefusedAsBefore() {
    assertThatThrownBy(() -> JsonText.decode("[1]")).isInstanceOf(DecodeException.class);
  }

  @Test void aStepCommitKeepsTheTextOfItsRecordAsItWasMade() {
    JsonObject output = new JsonObject().put("step", 1);
    StepCommit c = StepCommit.of("t", new Lease(1, "c"), 1, "a", "b", "out", output, new JsonObject().put("r", 2));
    output.put("step", 99);
    assertThat(c.recordTail()).isEqualTo("\"v\":2,\"step\":1,\"node\":\"a\",\"next\":\"b\",\"epoch\":1,\"key\":\"out\",\"output\":{\"step\":1}}");
    assertThat(c.resultJson()).isEqualTo("{\"r\":2}");
    assertThat(c.chars()).isEqualTo(c.recordTail().length() + c.resultJson().length());
  }

  /** The state after step k is the params with the outputs of steps 1..k merged in order, as the worker merged them. */
  @Test void theCheckpointIsRebuiltFromTheHistoryAsTheWorkerMergedIt() {
    JsonObject params = new JsonObject().put("q", "x");
    List<JsonObject> history = List.of(
        new JsonObject().put("type", "claimed").put("epoch", "1"),
        new JsonObject("{\"type\":\"step\",\"at\":5," + StepCommit.of("t", new Lease(1, "c"), 1, "a", "b", "search",
            new JsonObject().put("hits", 3), null).recordTail()),
        new JsonObject("{\"type\":\"step\",\"at\":6," + StepCommit.of("t", new Lease(1, "c"), 2, "b", null, null,
            new JsonObject().put("q", "y").put("done", true), null).recordTail()));
    JsonObject cp = History.checkpoint(params, history, 0);
    assertThat(cp).isEqualTo(new JsonObject().put("schema_version", 2).put("step", 2).put("node", "b").putNull("next_node")
        .put("state", new JsonObject().put("q", "y").put("search", new JsonObject().put("hits", 3)).put("done", true)));
    assertThat(History.checkpoint(params, history, 1).getJsonObject("state"))
        .isEqualTo(new JsonObject().put("q", "x").put("search", new JsonObject().put("hits", 3)));
    assertThat(History.checkpoint(params, history, 1).getString("next_node")).isEqualTo("b");
    assertThat(History.checkpoint(params, history, 3)).isNull();
    assertThat(History.checkpoint(params, history.subList(0, 1), 0)).isNull();
    assertThat(params).isEqualTo(new JsonObject().put("q", "x"));   // the params are not changed
  }
}
