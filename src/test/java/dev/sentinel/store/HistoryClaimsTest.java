package dev.sentinel.store;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Step and completed records name their claim by the epoch; readers put the claim id back from the claimed record. */
class HistoryClaimsTest {

  private static JsonObject rec(String json) { return new JsonObject(json); }

  @Test void eachStepGetsTheClaimOfItsOwnEpochEvenAfterANewerClaim() {
    List<JsonObject> h = History.withClaims(List.of(
        rec("{\"type\":\"claimed\",\"at\":1,\"epoch\":\"1\",\"claim\":\"w1:aa:1\"}"),
        rec("{\"type\":\"step\",\"at\":2,\"step\":1,\"epoch\":1}"),
        rec("{\"type\":\"expired\",\"at\":3,\"epoch\":\"2\"}"),
        rec("{\"type\":\"claimed\",\"at\":4,\"epoch\":\"3\",\"claim\":\"w2:bb:7\"}"),
        // a zombie's late record (only possible without fencing) keeps its old epoch, so its old claim
        rec("{\"type\":\"step\",\"at\":5,\"step\":2,\"epoch\":1}"),
        rec("{\"type\":\"step\",\"at\":6,\"step\":2,\"epoch\":3}"),
        rec("{\"type\":\"completed\",\"at\":7,\"epoch\":\"3\"}")));
    assertThat(h).extracting(r -> r.getString("claim"))
        .containsExactly("w1:aa:1", "w1:aa:1", null, "w2:bb:7", "w1:aa:1", "w2:bb:7", "w2:bb:7");
    assertThat(History.workerOf(h.get(5))).isEqualTo("w2");
  }

  @Test void aRecordThatNamesItsClaimKeepsItAndAnUnknownEpochGetsNone() {
    List<JsonObject> h = History.withClaims(List.of(
        rec("{\"type\":\"step\",\"at\":1,\"step\":1,\"epoch\":4,\"claim\":\"old:cc:1\"}"),
        rec("{\"type\":\"step\",\"at\":2,\"step\":2,\"epoch\":5}")));
    assertThat(h.get(0).getString("claim")).isEqualTo("old:cc:1");
    assertThat(h.get(1).containsKey("claim")).isFalse();
  }
}
