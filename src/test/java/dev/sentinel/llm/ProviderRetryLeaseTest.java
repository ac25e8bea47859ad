package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import dev.sentinel.agent.GraphNode;
import dev.sentinel.agent.LeaseDeadlinePassedException;
import dev.sentinel.agent.NodeContext;
import dev.sentinel.agent.NodeServices;
import dev.sentinel.cost.BudgetGuard;
import dev.sentinel.cost.CostLedger;
import dev.sentinel.cost.PriceTable;
import dev.sentinel.store.Keys;
import dev.sentinel.store.Lease;
import dev.sentinel.store.RedisClients;
import dev.sentinel.store.Store;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TcpProxy;
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
 * A provider retry is a new paid request, so the lease is checked right before it is sent, not
 * only before its rate-limit room is reserved: that reservation is a Redis call and can wait
 * (for room, or for Redis itself, as for a worker cut off by a network partition). Here a call
 * is answered 503 (Retry-After: 1 s); its retry finds the link to Redis stalled (a
 * {@link TcpProxy}), the lease runs out while the reservation waits, and the link heals: the
 * reservation is granted, and the retry must still not be sent. The chaos test's invariant 7
 * found the gap (a stalled worker's retry reached the provider 1.9 s after its lease was over).
 */
class ProviderRetryLeaseTest {

  @Test void aRetryWhoseReservationOutlastedTheLeaseIsNotSent() {
    try (RedisServerProcess redis = RedisServerProcess.start(); TcpProxy link = TcpProxy.start("retry-link", redis.port());
         OpenAiStub stub = OpenAiStub.start().unavailableEvery(1, 1)) {
      TestNode node = new TestNode("redis://127.0.0.1:" + link.port(), "retry-lease:",
          "llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n");
      try {
        Redis client = RedisClients.create(node.vertx, node.config.redis(), "retry-lease-test");
        Store store = Store.open(client, new Keys(node.config.keyPrefix()));
        NodeServices services = NodeServices.of(new CostLedger(store.ledger()),
            new BudgetGuard(store.ledger(), 0), new ModelRateLimiter(store.ledger(), node.config.llm(), node.config.limits()));
        LlmNodeHandler handler = new LlmNodeHandler(new OpenAiClient(node.vertx, node.config.llm()), PriceTable.load(""));
        GraphNode ask = new GraphNode("ask", "llm", new JsonObject().put("kind", "llm").put("model", "gpt-4o-mini")
            .put("prompt", "is the lease still ours?").put("max_tokens", 20), "ask");
        AtomicBoolean leaseHeld = new AtomicBoolean(true);
        NodeContext ctx = new NodeContext(node.vertx, "t-retry", "acme", "w-test", 1, ask, new JsonObject(),
            new Lease(1, "claim-1"), new Cancellation(), services, leaseHeld::get);
        Promise<JsonObject> result = Promise.promise();
        node.vertx.runOnContext(v -> handler.run(ctx).onComplete(result));
        Future<JsonObject> out = result.future();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
            .until(() -> stub.received().stream().anyMatch(r -> r.status() == 503));
        link.stall();               // the retry falls due in 1 s: its reservation will wait for Redis
        StoreFixture.sleep(1_500);
        leaseHeld.set(false);       // meanwhile the lease runs out
        link.heal();                // the reservation is granted now

        await().atMost(Duration.ofSeconds(10)).until(out::isComplete);
        StoreFixture.sleep(500);    // time for a retry that should not happen to reach the provider
        assertThat(stub.requestCount()).as("requests the provider saw: only the one answered 503").isEqualTo(1);
        assertThat(out.cause()).isInstanceOf(LeaseDeadlinePassedException.class);
      } finally {
        node.close();
      }
    }
  }
}
