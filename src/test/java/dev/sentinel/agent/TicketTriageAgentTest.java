package dev.sentinel.agent;

import dev.sentinel.cost.PriceTable;
import dev.sentinel.cost.Usage;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.Money;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped {@code ticket-triage} agent (classify -> route -> [page] -> draft) run by a real
 * worker through the HTTP API, on a real Redis. The classifier is the {@link OpenAiStub} playing
 * a model that answers "urgent" for tickets about an outage; the paging webhook is a real local
 * HTTP server that records what it was sent. A run with the offline mock provider shows what a
 * quickstart user gets with no API key.
 */
class TicketTriageAgentTest {

  static final String URGENT = "Checkout is down for every customer since 09:00, we are losing orders";
  static final String ROUTINE = "How do I change the billing e-mail on my invoices?";
  static final PriceTable PRICES = PriceTable.load("");

  /** What the paging webhook received. */
  record Page(String path, MultiMap headers, JsonObject body) {}

  @RegisterExtension static final RealRedis redis = new RealRedis();
  static OpenAiStub stub;
  static Vertx webhookVertx;
  static HttpServer webhook;
  static final List<Page> pages = new CopyOnWriteArrayList<>();

  StoreFixture f;
  TestNode node;
  Http api;
  String tenant;

  @BeforeAll static void start() {
    stub = OpenAiStub.start().answerWith(TicketTriageAgentTest::classifierAnswer);
    webhookVertx = Vertx.vertx();
    webhook = webhookVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      pages.add(new Page(req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.toJsonObject()));
      req.response().putHeader("content-type", "application/json").end("{\"paged\":\"on-call\"}");
    })).listen(0, "127.0.0.1").await();
  }

  @AfterAll static void stop() {
    webhookVertx.close().await();
    stub.close();
  }

  /**
   * The stub as a classifier: for the triage agent's classify prompt it answers one word, the
   * way the agent's system prompt asks a model to; every other request gets the stub's usual
   * deterministic answer.
   */
  private static String classifierAnswer(JsonObject request) {
    JsonArray messages = request.getJsonArray("messages");
    String system = messages.getJsonObject(0).getString("content", "");
    if (!system.startsWith("Classify the support ticket")) return null;
    String ticket = messages.getJsonObject(messages.size() - 1).getString("content").toLowerCase(Locale.ROOT);
    return ticket.contains(" down ") || ticket.contains("outage") ? "urgent" : "normal";
  }

  @BeforeEach void fixture() {
    f = redis.fixture();
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach void close() {
    try {
      if (node != null) node.close();   // also fails the test if a response broke openapi.yaml
    } finally {
      f.close();
    }
  }

  private void startNode(String llmYaml) {
    node = new TestNode(redis.url(), f.keys.prefix(), llmYaml
        + "tools: {http: {allowed_hosts: [\"127.0.0.1:" + webhook.actualPort() + "\"]}}\n"
        + "worker: {instances: 1, concurrency: 4, backoff_base_ms: 100, backoff_max_ms: 200}\n"
        + "watcher: {interval_ms: 50}\n"
        + "http: {port: 0}\n");
    api = node.startApi();
    node.startWorkers("n1").startWatcher();
  }

  private void startNodeOnTheStub() {
    startNode("llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n");
  }

  private String submit(JsonObject params) {
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", tenant).put("task_type", "support").put("agent_type", "ticket-triage")
        .put("task_params", params).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getValue("total_steps")).as("a branch makes the length depend on the state").isNull();
    return r.json().getString("task_id");
  }

  private JsonObject awaitFinished(String id) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> List.of("completed", "failed", "cancelled").contains(api.get("/tasks/" + id).json().getString("status")));
    return api.get("/tasks/" + id).json();
  }

  private List<JsonObject> steps(String id) {
    return api.get("/tasks/" + id + "/steps").json().getJsonArray("steps").stream().map(s -> (JsonObject) s).toList();
  }

  private static List<String> nodes(List<JsonObject> steps) {
    return steps.stream().map(s -> s.getString("node")).toList();
  }

  private JsonObject state(String id) {
    return api.get("/tasks/" + id + "/checkpoint").json().getJsonObject("checkpoint").getJsonObject("state");
  }

  private List<Page> pagesFor(String id) {
    return pages.stream().filter(p -> id.equals(p.headers().get("X-Sentinel-Task-Id"))).toList();
  }


  /** The stub's one billed call for a step of a task. */
  private static OpenAiStub.Call billed(String id, int step) {
    List<OpenAiStub.Call> calls = stub.billedFor(id).stream().filter(c -> c.step() == step).toList();
    assertThat(calls).as("stub calls for step %d of %s", step, id).hasSize(1);
    return calls.get(0);
  }

  /** GET /tasks/{id}/calls: one call per LLM step, each at the stub's price, adding up to cost_so_far. */
  private void assertCallsAreTheStubsBill(String id, JsonObject task, int... llmSteps) {
    JsonObject body = api.get("/tasks/" + id + "/calls").json();
    List<JsonObject> calls = body.getJsonArray("calls").stream().map(c -> (JsonObject) c).toList();
    assertThat(calls).extracting(c -> c.getInteger("step")).containsExactlyInAnyOrder(
        Arrays.stream(llmSteps).boxed().toArray(Integer[]::new));
    for (JsonObject c : calls) {
      OpenAiStub.Call s = billed(id, c.getInteger("step"));
      assertThat(c.getString("model")).isEqualTo("gpt-4o-mini");
      assertThat(c.getString("provider")).isEqualTo("openai");
      assertThat(c.getString("tenant_id")).isEqualTo(tenant);
      assertThat(c.getLong("input_tokens")).isEqualTo(s.promptTokens);
      assertThat(c.getLong("output_tokens")).isEqualTo(s.completionTokens);
      assertThat(Money.nanos(c.getDouble("cost_usd"))).as("call at step %d", c.getInteger("step")).isEqualTo(s.nanos);
    }
    long stubNanos = stub.billedNanos(id);
    assertThat(stubNanos).isPositive();
    assertThat(stub.receivedFor(id)).as("no call but the LLM nodes' ones reached the provider").hasSize(llmSteps.length);
    assertThat(Money.nanos(body.getDouble("cost_so_far"))).isEqualTo(stubNanos);
    assertThat(Money.nanos(task.getDouble("cost_so_far"))).isEqualTo(stubNanos);
    assertThat(Money.nanos(api.get("/tenants/" + tenant + "/costs").json().getDouble("total_cost_usd"))).isEqualTo(stubNanos);
  }

  @Test void anUrgentTicketIsPagedThenAnswered() {
    startNodeOnTheStub();
    String webhookUrl = "http://127.0.0.1:" + webhook.actualPort() + "/page";
    String id = submit(new JsonObject().put("ticket", URGENT).put("webhook_url", webhookUrl));
    JsonObject task = awaitFinished(id);
    assertThat(task.getString("status")).as(task.encodePrettily()).isEqualTo("completed");

    List<JsonObject> steps = steps(id);
    assertThat(nodes(steps)).containsExactly("classify", "route", "page", "draft");
    assertThat(steps).extracting(s -> s.getInteger("step")).containsExactly(1, 2, 3, 4);
    assertThat(task.getInteger("step")).isEqualTo(4);

    // the webhook was called once, by step 3, with the rendered body and that step's fencing token
    List<Page> paged = pagesFor(id);
    assertThat(paged).hasSize(1);
    Page page = paged.get(0);
    assertThat(page.path()).isEqualTo("/page");
    assertThat(page.body()).isEqualTo(new JsonObject().put("text", "Urgent ticket: " + URGENT));
    assertThat(page.headers().get("Idempotency-Key")).isEqualTo(id + ":3");
    JsonObject pageStep = steps.get(2);
    assertThat(page.headers().get("X-Sentinel-Fencing-Token"))
        .isEqualTo(pageStep.getLong("epoch") + "." + pageStep.getString("claim"));

    // the LLM was asked twice: classify (step 1) and draft (step 4)
    OpenAiStub.Call classify = billed(id, 1), draft = billed(id, 4);
    assertThat(classify.text).isEqualTo("urgent");
    assertThat(draft.request.getJsonArray("messages").getJsonObject(1).getString("content"))
        .isEqualTo("Draft a short reply to this ticket:\n" + URGENT);
    assertThat(task.getJsonObject("result")).isEqualTo(new JsonObject()
        .put("classification", "urgent").put("paged", 200).put("reply", draft.text));

    JsonObject state = state(id);
    assertThat(state.getJsonObject("route")).as("the branch node records nothing").isEqualTo(new JsonObject());
    assertThat(state.getJsonObject("page")).isEqualTo(new JsonObject().put("status", 200)
        .put("body", new JsonObject().put("paged", "on-call")));
    assertCallsAreTheStubsBill(id, task, 1, 4);
  }

  @Test void aRoutineTicketIsAnsweredWithoutPaging() {
    startNodeOnTheStub();
    String webhookUrl = "http://127.0.0.1:" + webhook.actualPort() + "/page";
    String id = submit(new JsonObject().put("ticket", ROUTINE).put("webhook_url", webhookUrl));
    JsonObject task = awaitFinished(id);
    assertThat(task.getString("status")).as(task.encodePrettily()).isEqualTo("completed");

    assertThat(nodes(steps(id))).containsExactly("classify", "route", "draft");
    assertThat(task.getInteger("step")).isEqualTo(3);
    assertThat(pagesFor(id)).as("nobody was paged").isEmpty();

    OpenAiStub.Call classify = billed(id, 1), draft = billed(id, 3);
    assertThat(classify.text).isEqualTo("normal");
    JsonObject result = task.getJsonObject("result");
    assertThat(result.getString("classification")).isEqualTo("normal");
    assertThat(result.containsKey("paged")).isTrue();
    assertThat(result.getValue("paged")).as("no page node ran").isNull();
    assertThat(result.getString("reply")).isEqualTo(draft.text);
    assertThat(state(id).containsKey("page")).isFalse();
    assertCallsAreTheStubsBill(id, task, 1, 3);
  }

  /**
   * The page node needs task_params.webhook_url. Without it an urgent ticket used to be accepted,
   * spend its classifier call, then fail at step 3 with "only http and https URLs may be called"
   * and never get its reply; the agent now requires the parameter, so submission says what is
   * missing before anything runs.
   */
  @Test void aTicketWithoutAWebhookIsRefusedAtSubmission() {
    startNodeOnTheStub();
    int before = stub.requestCount();
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", tenant).put("task_type", "support")
        .put("agent_type", "ticket-triage").put("task_params", new JsonObject().put("ticket", URGENT)).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("task_params.webhook_url");
    assertThat(api.get("/tasks?tenant_id=" + tenant).json().getJsonArray("tasks")).as("nothing was queued").isEmpty();
    assertThat(stub.requestCount()).isEqualTo(before);
  }

  /**
   * With no API key a node uses the offline mock provider, which echoes the prompt cut to
   * {@code max_tokens}: the classifier's 5 tokens leave "[mock gpt-4o-mini xx", which never
   * contains "urgent", so offline every ticket, however urgent, takes the routine path.
   */
  @Test void withTheMockProviderTheTriageRunsOfflineAndNeverPages() {
    startNode("llm: {provider: mock}\n");
    String webhookUrl = "http://127.0.0.1:" + webhook.actualPort() + "/page";
    String id = submit(new JsonObject().put("ticket", "URGENT: " + URGENT).put("webhook_url", webhookUrl));
    JsonObject task = awaitFinished(id);
    assertThat(task.getString("status")).as(task.encodePrettily()).isEqualTo("completed");

    assertThat(nodes(steps(id))).containsExactly("classify", "route", "draft");
    assertThat(pagesFor(id)).isEmpty();
    JsonObject state = state(id);
    String classification = state.getJsonObject("classify").getString("text");
    assertThat(classification).startsWith("[mock gpt-4o-mini ").hasSize(5 * 4).doesNotContainIgnoringCase("urgent");
    assertThat(task.getJsonObject("result").getString("classification")).isEqualTo(classification);
    assertThat(task.getJsonObject("result").getString("reply")).isEqualTo(state.getJsonObject("draft").getString("text"))
        .startsWith("[mock gpt-4o-mini ").contains("Response to: Draft a short reply to this ticket:");

    // the mock's calls are recorded and priced as a real model's
    JsonObject body = api.get("/tasks/" + id + "/calls").json();
    List<JsonObject> calls = body.getJsonArray("calls").stream().map(c -> (JsonObject) c).toList();
    assertThat(calls).extracting(c -> c.getInteger("step")).containsExactlyInAnyOrder(1, 3);
    long sum = 0;
    for (JsonObject c : calls) {
      assertThat(c.getString("provider")).isEqualTo("mock");
      long expected = PRICES.nanos("gpt-4o-mini", new Usage(c.getLong("input_tokens"), c.getLong("output_tokens"), 0, 0));
      assertThat(Money.nanos(c.getDouble("cost_usd"))).isEqualTo(expected);
      sum += expected;
    }
    assertThat(calls.stream().filter(c -> c.getInteger("step") == 1).findFirst().orElseThrow().getLong("output_tokens"))
        .isEqualTo(5);
    assertThat(sum).isPositive();
    assertThat(Money.nanos(task.getDouble("cost_so_far"))).isEqualTo(sum);
    assertThat(stub.receivedFor(id)).as("the mock made no network call").isEmpty();
  }
}
