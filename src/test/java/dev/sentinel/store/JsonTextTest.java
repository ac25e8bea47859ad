package dev.sentinel.store;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;

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

  @Test void aStepCommitKeepsTheTextOfItsCheckpointAsItWasMade() {
    JsonObject cp = new JsonObject().put("step", 1);
    StepCommit c = new StepCommit("t", new Lease(1, "c"), 1, "a", "b", cp, new JsonObject().put("r", 2));
    cp.put("step", 99);
    assertThat(c.checkpointJson()).isEqualTo("{\"step\":1}");
    assertThat(c.resultJson()).isEqualTo("{\"r\":2}");
    assertThat(c.chars()).isEqualTo(c.checkpointJson().length() + c.resultJson().length());
  }
}
