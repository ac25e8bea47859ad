package dev.sentinel.llm;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.Money;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Money spent while Redis is away is still accounted for: a call answered during a Redis outage
 * longer than a few seconds is recorded once Redis is back (the record is idempotent by call_id
 * and retried for minutes), so the task's cost, its call records and the tenant's totals equal
 * what the provider billed. Against a real redis-server (AOF always) killed with -9 mid-call.
 */
class CostRecordOutageTest {

  @Test void aCallAnsweredDuringARedisOutageIsRecordedWhenRedisIsBack() {
    try (RedisServerProcess redis = RedisServerProcess.start("always");
         OpenAiStub stub = OpenAiStub.start().delayMs(1500)) {
      Vertx vertx = Vertx.vertx();
      StoreFixture f = new StoreFixture(vertx, redis.url());
      TestNode node = new TestNode(redis.url(), f.keys.prefix(),
          "llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n"
              + "worker: {instances: 1, concurrency: 1, lease_ms: 60000}\n"
              + "watcher: {interval_ms: 100}\n"
              + "http: {port: 0}\n");
      try {
        Http api = node.startApi();
        Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "research")
            .put("task_params", new JsonObject().put("query", "what does an outage cost?")).encode());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.json().getString("task_id");
        node.startWorkers("n1").startWatcher();

        // the first call is on its way to the provider: Redis dies, and stays away well past
        // the moment the answer arrives (the old code gave up recording after ~3 s)
        await().atMost(Duration.ofSeconds(20)).until(() -> !stub.inFlight().isEmpty());
        redis.kill9();
        StoreFixture.sleep(6_000);
        assertThat(stub.ledger()).as("the provider answered while Redis was down").isNotEmpty();
        redis.restart();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> "completed".equals(f.meta(id).get("status")));
        long billed = stub.billedNanos(id);
        assertThat(billed).isPositive();
        assertThat(f.cmd(Command.HLEN, f.keys.calls(id)).toLong()).as("one record per billed call")
            .isEqualTo(stub.billedFor(id).size());
        assertThat(Long.parseLong(f.meta(id).get("cost_nanos"))).as("task cost = the provider's bill").isEqualTo(billed);
        assertThat(Money.nanos(api.get("/tenants/acme/costs").json().getValue("total_cost_usd")))
            .as("tenant total = the provider's bill").isEqualTo(billed);
      } finally {
        node.close();
        f.close();
        vertx.close().await();
      }
    }
  }
}
