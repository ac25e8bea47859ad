package dev.sentinel.store;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Step records of every earlier shape reach the current schema version on read, so the readers
 * (checkpoints, steps, withClaims) know one shape. The version 1 records are literal text as the
 * builds before the version wrote them.
 */
class RecordUpcastersTest {

  /** As the build before schema versions wrote it (captured from a run of that build): no `v`, no `ms`. */
  private static final String LAST_V1 = "{\"type\":\"step\",\"at\":1796694718246,\"step\":2,\"node\":\"b\",\"next\":\"c\","
      + "\"epoch\":1,\"key\":\"second\",\"output\":{\"text\":\"second alpha\"}}";
  /** As the first history-list builds wrote it (ca50bdc): the worker id and the claim in every step record. */
  private static final String WITH_WORKER_ID = "{\"type\":\"step\",\"at\":1764245550780,\"worker_id\":\"node-1-w1\","
      + "\"step\":1,\"node\":\"step-1\",\"next\":\"step-2\",\"epoch\":1,\"claim\":\"node-1-w1:702dea3c03833764:1\","
      + "\"output\":{\"step\":1}}";

  private static JsonObject read(String raw) { return History.read(raw); }

  @Test void aRecordOfTheLastVersionOneBuildGainsTheVersionAndKeepsItsFields() {
    JsonObject r = read(LAST_V1);
    assertThat(r).isEqualTo(new JsonObject(LAST_V1).put("v", 2));
    assertThat(History.runMsOf(r)).as("a version 1 record does not know its run time").isNull();
  }

  @Test void aRecordThatNamedItsWorkerIsNamedByItsClaim() {
    JsonObject r = read(WITH_WORKER_ID);
    assertThat(r.containsKey("worker_id")).isFalse();
    assertThat(r.getString("claim")).isEqualTo("node-1-w1:702dea3c03833764:1");
    assertThat(History.workerOf(r)).isEqualTo("node-1-w1");
  }

  @Test void aWorkerIdWithoutAClaimGivesWayToTheClaimOfItsEpoch() {
    List<JsonObject> h = History.withClaims(List.of(
        read("{\"type\":\"claimed\",\"at\":1,\"worker_id\":\"w9\",\"epoch\":\"4\",\"claim\":\"w9:ff:2\"}"),
        read("{\"type\":\"step\",\"at\":2,\"worker_id\":\"w9\",\"step\":1,\"node\":\"a\",\"next\":\"\",\"epoch\":\"4\",\"output\":{}}")));
    assertThat(History.workerOf(h.get(1))).isEqualTo("w9");
    assertThat(h.get(0).getString("worker_id")).as("events that are not steps are shown as written").isEqualTo("w9");
  }

  @Test void nextNodeIsNext() {
    assertThat(read("{\"type\":\"step\",\"at\":1,\"step\":1,\"node\":\"a\",\"next_node\":\"b\",\"epoch\":1,\"output\":{}}"))
        .isEqualTo(new JsonObject("{\"type\":\"step\",\"at\":1,\"step\":1,\"node\":\"a\",\"epoch\":1,\"output\":{},\"next\":\"b\",\"v\":2}"));
    assertThat(read("{\"type\":\"step\",\"at\":1,\"step\":1,\"node\":\"a\",\"epoch\":1,\"output\":{}}").getString("next"))
        .as("a record that named no next node ended the graph").isEmpty();
  }

  @Test void aWholeStateIsAnOutputMergedAtTheTopLevelAndRebuildsTheSameState() {
    JsonObject params = new JsonObject().put("q", "x");
    List<JsonObject> h = List.of(
        read("{\"type\":\"step\",\"at\":1,\"step\":1,\"node\":\"a\",\"next_node\":\"b\",\"epoch\":\"1\",\"key\":\"a\","
            + "\"state\":{\"q\":\"x\",\"a\":{\"hits\":3}}}"),
        read("{\"type\":\"step\",\"at\":2,\"step\":2,\"node\":\"b\",\"next_node\":\"\",\"epoch\":\"1\","
            + "\"state\":{\"q\":\"y\",\"a\":{\"hits\":3},\"done\":true}}"));
    assertThat(h.get(0).containsKey("state")).isFalse();
    assertThat(h.get(0).containsKey("key")).as("a whole state was never merged under a key").isFalse();
    assertThat(History.checkpoint(params, h, 1).getJsonObject("state")).isEqualTo(new JsonObject("{\"q\":\"x\",\"a\":{\"hits\":3}}"));
    assertThat(History.checkpoint(params, h, 0)).isEqualTo(new JsonObject().put("schema_version", 2).put("step", 2)
        .put("node", "b").putNull("next_node").put("state", new JsonObject("{\"q\":\"y\",\"a\":{\"hits\":3},\"done\":true}")));
  }

  @Test void aCurrentRecordIsReadAsWrittenWithItsRunTime() {
    String tail = History.stepRecordTail(3, "c", null, new Lease(2, "w:aa:1"), "c", new JsonObject().put("t", 1), 41);
    JsonObject r = read("{\"type\":\"step\",\"at\":5," + tail);
    assertThat(r).isEqualTo(new JsonObject("{\"type\":\"step\",\"at\":5," + tail));
    assertThat(RecordUpcasters.versionOf(r)).isEqualTo(RecordUpcasters.CURRENT);
    assertThat(History.runMsOf(r)).isEqualTo(41L);
  }

  @Test void aRecordOfANewerBuildIsReadAsItIs() {
    String raw = "{\"type\":\"step\",\"at\":5,\"v\":3,\"step\":1,\"node\":\"a\",\"next\":\"\",\"epoch\":1,\"output\":{},\"new\":1}";
    assertThat(read(raw)).isEqualTo(new JsonObject(raw));
  }

  @Test void aChainWithAGapIsRefusedWhenBuilt() {
    assertThatThrownBy(() -> new RecordUpcasters(List.of())).hasMessageContaining("from version 1");
    assertThatThrownBy(() -> new RecordUpcasters(List.of(new StepRecordV1ToV2(), new StepRecordV1ToV2())))
        .hasMessageContaining("does not fit");
  }
}
