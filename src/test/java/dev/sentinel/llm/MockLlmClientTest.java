package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.sentinel.testing.Outcomes.result;
import static org.assertj.core.api.Assertions.assertThat;

/** The offline provider streams, so {@code stream: true} works with no network. */
class MockLlmClientTest {

  @Test void theMockProviderStreamsItsAnswerInPieces() {
    Vertx vertx = Vertx.vertx();
    try {
      MockLlmClient mock = new MockLlmClient(vertx);
      LlmRequest req = new LlmRequest("gpt-4o-mini",
          List.of(new LlmRequest.Message("user", "Explain fencing tokens in detail, please")), 0.2, 200, "t-mock:1");
      List<String> pieces = new CopyOnWriteArrayList<>();
      LlmResponse streamed = result(mock.stream(req, new Cancellation(), pieces::add));
      assertThat(pieces.size()).isGreaterThan(1);
      assertThat(String.join("", pieces)).isEqualTo(streamed.text());
      assertThat(streamed).as("the same answer as without streaming").isEqualTo(result(mock.complete(req, new Cancellation())));
    } finally {
      vertx.close().await();
    }
  }

  @Test void offeredToolsTheMockCallsTheFirstOnceThenAnswersWithItsResult() {
    ToolSpec echo = new ToolSpec("everything__echo", "Echoes", new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("message", new JsonObject().put("type", "string"))).put("required", new JsonArray().add("message")));
    ToolSpec sum = new ToolSpec("everything__get-sum", "Adds", new JsonObject().put("type", "object"));
    List<LlmRequest.Message> messages = new ArrayList<>(List.of(new LlmRequest.Message("user", "What is an echo?")));
    LlmRequest first = new LlmRequest("gpt-4o-mini", messages, null, 200, "t-mock:1").withTools(List.of(echo, sum));
    LlmResponse call = result(new MockLlmClient().complete(first, new Cancellation()));
    assertThat(call.toolCalls()).hasSize(1);
    assertThat(call.toolCalls().get(0).name()).isEqualTo("everything__echo");
    assertThat(call.toolCalls().get(0).argumentsJson()).isEqualTo(new JsonObject().put("message", "What is an echo?"));
    assertThat(call.usage().input()).isPositive();
    assertThat(result(new MockLlmClient().complete(first, new Cancellation())))
        .as("deterministic: a re-run of the step asks for the same call").isEqualTo(call);

    messages.add(LlmRequest.Message.assistantCalling("", call.toolCalls()));
    messages.add(LlmRequest.Message.toolResult(call.toolCalls().get(0).id(), "Echo: What is an echo?"));
    LlmResponse answer = result(new MockLlmClient().complete(
        new LlmRequest("gpt-4o-mini", messages, null, 200, "t-mock:3").withTools(List.of(echo, sum)), new Cancellation()));
    assertThat(answer.toolCalls()).isEmpty();
    assertThat(answer.text()).contains("Echo: What is an echo?");
  }
}
