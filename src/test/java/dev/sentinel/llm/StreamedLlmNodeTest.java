package dev.sentinel.llm;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@code llm} node with {@code stream: true}, end to end across two Sentinel nodes on one
 * real Redis: the API on one Vert.x instance (its own event bus), the worker on another, so the
 * tokens a client sees on {@code GET /tasks/{id}/events} can only have come through Redis
 * pub/sub. The provider is the OpenAI stub, streaming, with its own exact ledger.
 */
class StreamedLlmNodeTest {

  static RedisServerProcess redis;
  static OpenAiStub stub;
  static Vertx vertx;
  static Path agents;
  StoreFixture f;
  TestNode apiNode;
  TestNode workerNode;
  Http api;
  String tenant;

  /** One SSE event as the client read it. */
  record Event(String type, String id, JsonObject data) {}

  @BeforeAll static void start() throws IOException {
    redis = RedisServerProcess.start();
    stub = OpenAiStub.start();
    vertx = Vertx.vertx();
    agents = Files.createTempDirectory("sentinel-stream-agents");
    Files.writeString(agents.resolve("streamer.yaml"), """
        name: streamer
        description: One streamed LLM step.
        entry: answer
        nodes:
          answer:
            kind: llm
            model: gpt-4o-mini
            prompt: "Explain in detail: {{query}}"
            max_tokens: 300
            stream: true
            retry: {max_attempts: 3, backoff_ms: 100}
        result:
          text: "{{answer.text}}"
          call_id: "{{answer.call_id}}"
        """);
  }

  @AfterAll static void stop() throws IOException {
    stub.close();
    vertx.close().await();
    redis.close();
    try (var files = Files.list(agents)) {
      for (Path p : files.toList()) Files.delete(p);
    }
    Files.delete(agents);
  }

  private String yaml() {
    return "llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n"
        + "agents: {dir: " + agents + "}\n"
        + "worker: {instances: 1, concurrency: 4, backoff_base_ms: 100, backoff_max_ms: 200}\n"
        + "watcher: {interval_ms: 50}\n"
        + "http: {port: 0}\n";
  }

  @BeforeEach void nodes() {
    stub.resetFaults();
    f = new StoreFixture(vertx, redis.url());
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    apiNode = new TestNode(redis.url(), f.keys.prefix(), yaml());
    api = apiNode.startApi();
    workerNode = new TestNode(redis.url(), f.keys.prefix(), yaml());
  }

  @AfterEach void close() {
    stub.resetFaults();
    try {
      workerNode.close();
      apiNode.close();   // also fails the test if a response broke openapi.yaml
    } finally {
      f.close();
    }
  }

  private String submit() {
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", tenant).put("task_type", "explain")
        .put("agent_type", "streamer").put("task_params", new JsonObject().put("query", "how fencing tokens stop zombie workers"))
        .encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("task_id");
  }

  /**
   * Opens the task's event stream, then starts the worker node (so everything the run does
   * arrives live), and reads until the server ends the stream after the final event.
   */
  private List<Event> followWhileTheWorkerRuns(String id) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/tasks/" + id + "/events")).build();
    HttpResponse<InputStream> resp = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(resp.statusCode()).isEqualTo(200);
    List<Event> events = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
      String first = in.readLine();   // ": task <id>": the follower is listening from here on
      assertThat(first).startsWith(": task");
      workerNode.startWorkers("w").startWatcher();
      String line, eventId = null, type = null, data = null;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("id: ")) eventId = line.substring(4);
        else if (line.startsWith("event: ")) type = line.substring(7);
        else if (line.startsWith("data: ")) data = line.substring(6);
        else if (line.isEmpty() && type != null) {
          events.add(new Event(type, eventId, new JsonObject(data)));
          type = null;
          eventId = null;
          data = null;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return events;
  }

  private static List<Event> tokens(List<Event> events) {
    return events.stream().filter(e -> "token".equals(e.type())).toList();
  }

  private static int firstIndexOf(List<Event> events, String type) {
    for (int i = 0; i < events.size(); i++) if (type.equals(events.get(i).type())) return i;
    throw new AssertionError("no " + type + " event in " + events.stream().map(Event::type).toList());
  }

  private BigDecimal recordedUsd() {
    return new BigDecimal(api.get("/tenants/" + tenant + "/costs").json().getValue("total_cost_usd").toString());
  }

  @Test void tokensReachAClientOfAnotherNodeInOrderBeforeTheStepCommitsAndSpellTheCommittedText() throws Exception {
    stub.streamPieceMs(5);   // text arrives over time, so it goes out in several batches
    String id = submit();
    List<Event> events = followWhileTheWorkerRuns(id);

    JsonObject task = api.get("/tasks/" + id).json();
    assertThat(task.getString("status")).as(task.encodePrettily()).isEqualTo("completed");
    String committed = task.getJsonObject("result").getString("text");
    List<Event> tokens = tokens(events);
    assertThat(tokens).as("token events").isNotEmpty();
    assertThat(tokens).allSatisfy(t -> {
      assertThat(t.id()).as("tokens are not part of the history: no id").isNull();
      assertThat(t.data().getString("task_id")).isEqualTo(id);
      assertThat(t.data().getInteger("step")).isEqualTo(1);
      assertThat(t.data().getString("node")).isEqualTo("answer");
      assertThat(t.data().getString("call_id")).isEqualTo(task.getJsonObject("result").getString("call_id"));
    });
    assertThat(tokens.stream().map(t -> t.data().getLong("seq")).toList()).as("in order, none lost")
        .isEqualTo(LongStream.range(0, tokens.size()).boxed().toList());
    assertThat(events.lastIndexOf(tokens.get(tokens.size() - 1))).as("every token before the step's commit")
        .isLessThan(firstIndexOf(events, "step"));
    assertThat(tokens.stream().map(t -> t.data().getString("text")).collect(Collectors.joining()))
        .isEqualTo(committed).isEqualTo(stub.billedFor(id).get(0).text);
    // batched: fewer PUBLISHes than the provider sent pieces
    int pieces = (committed.length() + OpenAiStub.PIECE_CHARS - 1) / OpenAiStub.PIECE_CHARS;
    assertThat(tokens.size()).as("batches for %d pieces", pieces).isLessThan(pieces);

    // the cost comes from the stream's final usage: exactly the provider's ledger
    assertThat(stub.billedFor(id)).hasSize(1);
    assertThat(recordedUsd()).isEqualByComparingTo(stub.billedUsd(id));
    assertThat(new JsonObject(stub.receivedFor(id).get(0).body).getBoolean("stream")).isTrue();
  }

  @Test void aStreamCutMidWayFailsTheAttemptAndTheRetryCommitsOnce() throws Exception {
    stub.cutStreams(1);
    String id = submit();
    List<Event> events = followWhileTheWorkerRuns(id);

    JsonObject task = api.get("/tasks/" + id).json();
    assertThat(task.getString("status")).as(task.encodePrettily()).isEqualTo("completed");
    String committed = task.getJsonObject("result").getString("text");
    assertThat(stub.receivedFor(id)).as("the cut run and its retry").hasSize(2);
    assertThat(stub.billedFor(id)).as("only the retry delivered a usage").hasSize(1);
    assertThat(api.get("/tasks/" + id + "/steps").json().getJsonArray("steps")).as("committed once").hasSize(1);

    // the client saw both runs, told apart by call_id; the committed one spells the result
    Map<String, String> textByCall = new LinkedHashMap<>();
    for (Event t : tokens(events)) textByCall.merge(t.data().getString("call_id"), t.data().getString("text"), String::concat);
    assertThat(textByCall).hasSize(2);
    List<String> runs = new ArrayList<>(textByCall.values());
    assertThat(runs.get(1)).isEqualTo(committed);
    assertThat(committed).as("the cut run showed a part of the same answer").startsWith(runs.get(0)).isNotEqualTo(runs.get(0));
    assertThat(new ArrayList<>(textByCall.keySet()).get(1)).isEqualTo(task.getJsonObject("result").getString("call_id"));
    assertThat(recordedUsd()).isEqualByComparingTo(stub.billedUsd(id));
  }

  @Test void cancellingTheTaskStopsReadingItsStream() {
    stub.streamPieceMs(100);   // a stream that would take seconds
    String id = submit();
    workerNode.startWorkers("w").startWatcher();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
        .until(() -> stub.receivedFor(id).stream().anyMatch(r -> r.status() == 200));
    assertThat(api.delete("/tasks/" + id).status()).isEqualTo(200);

    // the worker resets the request: the stub sees its connection go before the answer's end
    await().atMost(Duration.ofSeconds(20)).until(() -> stub.undelivered().stream().anyMatch(c -> id.equals(c.taskId())));
    assertThat(stub.billedFor(id)).isEmpty();
    assertThat(api.get("/tasks/" + id).json().getString("status")).isEqualTo("cancelled");
    assertThat(api.get("/tasks/" + id + "/steps").json().getJsonArray("steps")).as("nothing committed").isEmpty();
    // the provider billed what it generated before the reset but sent no usage: recorded at an estimate
    await().atMost(Duration.ofSeconds(20)).until(() -> !api.get("/tasks/" + id + "/calls").json().getJsonArray("calls").isEmpty());
    JsonObject call = api.get("/tasks/" + id + "/calls").json().getJsonArray("calls").getJsonObject(0);
    assertThat(call.getLong("output_tokens")).isPositive();
  }
}
