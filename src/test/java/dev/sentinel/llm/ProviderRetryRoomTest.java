package dev.sentinel.llm;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider retry (after a 500 or a 429) is a new request the provider counts against the
 * model's RPM: it takes room from the cluster-wide limit like the first attempt did. With a limit
 * of 6 requests per minute (one per 10 s, burst 20), a task whose first call was answered 500
 * made 4 requests, so the model's GCRA time must stand 4 intervals (40 s) ahead, not 3.
 */
class ProviderRetryRoomTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  OpenAiStub stub;
  StoreFixture f;
  TestNode node;
  Http api;

  @BeforeEach void start() {
    stub = OpenAiStub.start();
    f = redis.fixture();
    node = new TestNode(redis.url(), f.keys.prefix(),
        "llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test,"
            + " models: {gpt-4o-mini: {rpm: 6, rpm_burst: 20}}}\n"
            + "worker: {instances: 1, concurrency: 4}\nhttp: {port: 0}\n");
    api = node.startApi();
    node.startWorkers("n1");
  }

  @AfterEach void stop() {
    try {
      node.close();
    } finally {
      stub.close();
      f.close();
    }
  }

  @Test void eachProviderRetryTakesItsOwnRequestFromTheModelsLimit() {
    stub.fail500(1);
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "research")
        .put("task_params", new JsonObject().put("query", "how many requests was that?")).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().getString("task_id");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> "completed".equals(api.get("/tasks/" + id).json().getString("status")));
    assertThat(stub.receivedFor(id)).extracting(OpenAiStub.Received::status).containsExactly(500, 200, 200, 200);

    long tat = Long.parseLong(f.cmd(Command.GET, f.keys.prefix() + "rate:model:gpt-4o-mini:rpm").toString().split("\\.")[0]);
    Response time = f.cmd(Command.TIME);
    long now = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
    // 4 requests at one per 10 s put the bucket's time 40 s ahead of the first; the task took
    // well under 5 s, so more than 35 s remain (3 requests would leave under 30 s)
    assertThat(tat - now).as("ms the model's RPM bucket stands ahead of now").isGreaterThan(35_000);
  }
}
