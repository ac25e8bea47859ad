package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

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
}
