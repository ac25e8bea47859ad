package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import dev.sentinel.agent.GraphNode;
import dev.sentinel.agent.LeaseDeadlinePassedException;
import dev.sentinel.agent.NodeContext;
import dev.sentinel.agent.NodeServices;
import dev.sentinel.cost.BudgetGuard;
import dev.sentinel.cost.CostLedger;
import dev.sentinel.cost.PriceTable;
import dev.sentinel.signal.TokenPublisher;
import dev.sentinel.store.Keys;
import dev.sentinel.store.Lease;
import dev.sentinel.store.RedisClients;
import dev.sentinel.store.Store;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A streamed call keeps spending while it reads, so the lease is checked at every batch, not
 * only before the call: a worker whose lease deadline passes mid-stream stops reading (the
 * provider sees the connection close) and the node fails as a lost lease does.
 */
class StreamedCallLeaseTest {

  @Test void aStreamWhoseLeaseDeadlinePassesStopsReading() {
    try (RedisServerProcess redis = RedisServerProcess.start(); OpenAiStub stub = OpenAiStub.start().streamPieceMs(100)) {
      TestNode node = new TestNode(redis.url(), "stream-lease:",
          "llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n");
      try {
        Redis client = RedisClients.create(node.vertx, node.config.redis(), "stream-lease-test");
        Keys keys = new Keys(node.config.keyPrefix());
        Store store = Store.open(client, keys);
        NodeServices services = NodeServices.of(new CostLedger(store.ledger()), new BudgetGuard(store.ledger(), 0),
            new ModelRateLimiter(store.ledger(), node.config.llm(), node.config.limits()), new TokenPublisher(client, keys));
        LlmNodeHandler handler = new LlmNodeHandler(new OpenAiClient(node.vertx, node.config.llm()), PriceTable.load(""));
        GraphNode ask = new GraphNode("ask", "llm", new JsonObject().put("kind", "llm").put("model", "gpt-4o-mini")
            .put("prompt", "tell a long story about leases").put("max_tokens", 200).put("stream", true), "ask");
        AtomicBoolean leaseHeld = new AtomicBoolean(true);
        NodeContext ctx = new NodeContext(node.vertx, "t-stream", "acme", "w-test", 1, ask, new JsonObject(),
            new Lease(1, "claim-1"), new Cancellation(), services, leaseHeld::get);
        Promise<JsonObject> result = Promise.promise();
        node.vertx.runOnContext(v -> handler.run(ctx).onComplete(result));
        Future<JsonObject> out = result.future();

        // the stub answered 200 and is writing its pieces, one every 100 ms
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
            .until(() -> stub.received().stream().anyMatch(r -> r.status() == 200));
        leaseHeld.set(false);

        await().atMost(Duration.ofSeconds(10)).until(out::isComplete);
        assertThat(out.cause()).isInstanceOf(LeaseDeadlinePassedException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> !stub.undelivered().isEmpty());
        assertThat(stub.billed()).as("the stream was abandoned before its usage came").isEmpty();
      } finally {
        node.close();
      }
    }
  }
}
