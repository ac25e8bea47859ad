package dev.sentinel.tools;

import dev.sentinel.agent.Cancellation;
import dev.sentinel.agent.GraphNode;
import dev.sentinel.agent.NodeCancelledException;
import dev.sentinel.agent.NodeContext;
import dev.sentinel.store.Lease;
import io.vertx.core.Future;
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

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The http node against real sockets: a canary listener on loopback counts every TCP
 * connection, so a refused call is shown to have opened none; a tool server records what an
 * allowed call carries.
 */
class HttpToolNodeTest {

  /** A raw TCP listener on 127.0.0.1 that counts accepted connections (and answers 200, should anyone ask). */
  static final class Canary implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    Canary() throws IOException {
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
      acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept()) {
            connections.incrementAndGet();
            s.setSoTimeout(200);
            try {
              s.getInputStream().read(new byte[4096]);
            } catch (IOException ignored) {
              // nothing sent: fine
            }
            s.getOutputStream().write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".getBytes());
          } catch (IOException e) {
            // closed
          }
        }
      }, "canary-" + socket.getLocalPort());
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() { return socket.getLocalPort(); }

    /**
     * Asserts the canary was never reached: connects once itself and waits until the listener
     * has counted exactly that one. Connections are accepted in arrival order, so an earlier
     * one by the node under test would have been counted before ours.
     */
    void assertNeverReached() {
      assertThat(connections.get()).as("connections to the canary").isZero();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port()), 2000);
        await().atMost(Duration.ofSeconds(10)).until(() -> connections.get() >= 1);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      assertThat(connections.get()).as("connections to the canary, ours included").isEqualTo(1);
      connections.set(0);
    }

    @Override public void close() throws IOException {
      socket.close();
    }
  }

  record Seen(String method, String uri, MultiMap headers, String body) {}

  static Vertx vertx;
  static HttpServer toolServer;
  static int toolPort;
  static final List<Seen> seen = new CopyOnWriteArrayList<>();
  Canary canary;

  @BeforeAll static void startToolServer() {
    vertx = Vertx.vertx();
    toolServer = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      seen.add(new Seen(req.method().name(), req.uri(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.toString()));
      switch (req.path()) {
        case "/ok" -> req.response().putHeader("content-type", "application/json").end("{\"accepted\":true,\"n\":7}");
        case "/text" -> req.response().putHeader("content-type", "text/plain").end("plain words");
        case "/empty" -> req.response().setStatusCode(204).end();
        case "/fail" -> req.response().setStatusCode(500).end("boom");
        case "/missing" -> req.response().setStatusCode(404).end();
        case "/slow" -> { }   // never answers
        default -> {
          if (req.path().startsWith("/redirect/")) {
            req.response().setStatusCode(Integer.parseInt(req.path().substring("/redirect/".length())))
                .putHeader("location", req.getParam("to")).end();
          } else {
            req.response().setStatusCode(418).end();
          }
        }
      }
    })).listen(0, "127.0.0.1").await();
    toolPort = toolServer.actualPort();
  }

  @AfterAll static void stop() {
    vertx.close().await();
  }

  @BeforeEach void canary() throws IOException {
    canary = new Canary();
    seen.clear();
  }

  @AfterEach void closeCanary() throws IOException {
    canary.close();
  }

  // ---- helpers ----

  private static HttpToolNodeHandler handler(String... allowed) {
    return new HttpToolNodeHandler(vertx, List.of(allowed), 10_000);
  }

  private static NodeContext ctx(String taskId, int step, JsonObject config, JsonObject state) {
    GraphNode node = new GraphNode("hook", "http", config.copy().put("kind", "http"), "hook");
    return new NodeContext(vertx, taskId, "acme", "w-test", step, node, state, new Lease(3, "claim-x"), new Cancellation(), null);
  }

  private static NodeContext ctx(JsonObject config, JsonObject state) {
    return ctx(UUID.randomUUID().toString(), 2, config, state);
  }

  private static JsonObject get(String url) {
    return new JsonObject().put("method", "GET").put("url", url);
  }

  private static Throwable failure(Future<?> f) {
    await().atMost(Duration.ofSeconds(20)).until(f::isComplete);
    assertThat(f.failed()).as("the node should have failed, got " + (f.succeeded() ? f.result() : null)).isTrue();
    return f.cause();
  }

  private static JsonObject success(Future<JsonObject> f) {
    await().atMost(Duration.ofSeconds(20)).until(f::isComplete);
    assertThat(f.succeeded()).as("the node should have succeeded, failed with " + f.cause()).isTrue();
    return f.result();
  }

  // ---- (a) not on the allow-list ----

  @Test void aUrlToTheCanaryIsRefusedWhenTheAllowListIsEmpty() {
    Future<JsonObject> f = handler().run(ctx(get("http://127.0.0.1:" + canary.port() + "/"), new JsonObject()));
    assertThat(f.failed()).as("refused before any lookup: fails at once").isTrue();
    assertThat(failure(f)).isInstanceOf(SecurityException.class)
        .hasMessageContaining("127.0.0.1:" + canary.port()).hasMessageContaining("allowed_hosts");
    canary.assertNeverReached();
  }

  @Test void aUrlToAnotherPortOfAListedLiteralIsRefused() {
    Future<JsonObject> f = handler("127.0.0.1:" + toolPort).run(ctx(get("http://127.0.0.1:" + canary.port() + "/"), new JsonObject()));
    assertThat(failure(f)).isInstanceOf(SecurityException.class).hasMessageContaining("allowed_hosts");
    canary.assertNeverReached();
  }

  // ---- (b) an allow-listed hostname that resolves to loopback ----

  @Test void anAllowListedHostnameResolvingToLoopbackIsRefused() {
    Future<JsonObject> f = handler("localhost:" + canary.port())
        .run(ctx(get("http://localhost:" + canary.port() + "/latest"), new JsonObject()));
    assertThat(failure(f)).isInstanceOf(SecurityException.class)
        .hasMessageContaining("localhost").hasMessageContaining("internal address");
    canary.assertNeverReached();
  }

  @Test void anAllowListedHostnameWithoutPortResolvingToLoopbackIsRefused() {
    Future<JsonObject> f = handler("localhost").run(ctx(get("http://LOCALHOST:" + canary.port() + "/"), new JsonObject()));
    assertThat(failure(f)).isInstanceOf(SecurityException.class).hasMessageContaining("internal address");
    canary.assertNeverReached();
  }

  @Test void otherSpellingsOfLoopbackAreRefused() {
    // only the literal 127.0.0.1 and the hostname localhost are listed; 0.0.0.0, ::1 and the
    // IPv4-mapped ::ffff:127.0.0.1 reach loopback too, but are not the listed literal
    HttpToolNodeHandler h = handler("127.0.0.1:" + toolPort, "localhost");
    for (String url : List.of("http://0.0.0.0:" + canary.port() + "/", "http://[::ffff:127.0.0.1]:" + canary.port() + "/",
        "http://[::1]:" + canary.port() + "/", "http://2130706433:" + canary.port() + "/", "http://127.1:" + canary.port() + "/")) {
      assertThat(failure(h.run(ctx(get(url), new JsonObject())))).as(url).isInstanceOf(SecurityException.class);
    }
    canary.assertNeverReached();
  }

  // ---- (c) cloud metadata ----

  @Test void theCloudMetadataAddressIsRefusedWithoutAConnectionAttempt() {
    for (HttpToolNodeHandler h : List.of(handler(), handler("127.0.0.1:" + toolPort, "api.example.com"))) {
      Future<JsonObject> f = h.run(ctx(get("http://169.254.169.254/latest/meta-data"), new JsonObject()));
      // failed already when run() returned: no lookup, no connect
      assertThat(f.isComplete()).isTrue();
      assertThat(failure(f)).isInstanceOf(SecurityException.class)
          .hasMessageContaining("169.254.169.254:80").hasMessageContaining("allowed_hosts");
    }
  }

  // ---- (d) the allowed call ----

  @Test void aListedLoopbackLiteralIsCalledWithIdempotencyKeyFencingTokenAndRenderedBody() {
    String taskId = UUID.randomUUID().toString();
    JsonObject cfg = new JsonObject().put("method", "post").put("url", "http://127.0.0.1:" + toolPort + "/ok?ticket={{ticket_id}}")
        .put("body", new JsonObject().put("text", "Urgent ticket: {{ticket}}").put("count", "{{count}}")
            .put("tags", new JsonArray().add("{{tag}}").add("fixed")).put("missing", "x{{nope}}y"));
    JsonObject state = new JsonObject().put("ticket", "printer on fire").put("ticket_id", 42).put("count", 3).put("tag", "p1");
    JsonObject out = success(handler("127.0.0.1:" + toolPort).run(ctx(taskId, 4, cfg, state)));

    assertThat(out.getInteger("status")).isEqualTo(200);
    assertThat(out.getJsonObject("body")).isEqualTo(new JsonObject().put("accepted", true).put("n", 7));
    assertThat(seen).hasSize(1);
    Seen s = seen.get(0);
    assertThat(s.method()).isEqualTo("POST");
    assertThat(s.uri()).isEqualTo("/ok?ticket=42");
    assertThat(s.headers().get("Idempotency-Key")).isEqualTo(taskId + ":4");
    assertThat(s.headers().get("X-Sentinel-Fencing-Token")).isEqualTo("3.claim-x");
    assertThat(s.headers().get("X-Sentinel-Task-Id")).isEqualTo(taskId);
    assertThat(s.headers().get("Content-Type")).startsWith("application/json");
    assertThat(s.headers().get("Host")).isEqualTo("127.0.0.1:" + toolPort);
    assertThat(new JsonObject(s.body())).isEqualTo(new JsonObject().put("text", "Urgent ticket: printer on fire").put("count", 3)
        .put("tags", new JsonArray().add("p1").add("fixed")).put("missing", "xy"));
  }

  @Test void theSameStepCarriesTheSameIdempotencyKeyOnEveryRun() {
    String taskId = UUID.randomUUID().toString();
    HttpToolNodeHandler h = handler("127.0.0.1:" + toolPort);
    success(h.run(ctx(taskId, 5, get("http://127.0.0.1:" + toolPort + "/ok"), new JsonObject())));
    success(h.run(ctx(taskId, 5, get("http://127.0.0.1:" + toolPort + "/ok"), new JsonObject())));
    assertThat(seen).extracting(s -> s.headers().get("Idempotency-Key")).containsExactly(taskId + ":5", taskId + ":5");
    assertThat(seen).allSatisfy(s -> assertThat(s.body()).isEmpty());
  }

  @Test void aGetWithoutBodyAndNonJsonOrEmptyAnswersAreOutputAsTheyCame() {
    HttpToolNodeHandler h = handler("127.0.0.1:" + toolPort);
    JsonObject text = success(h.run(ctx(get("http://127.0.0.1:" + toolPort + "/text"), new JsonObject())));
    assertThat(text.getInteger("status")).isEqualTo(200);
    assertThat(text.getValue("body")).isEqualTo("plain words");
    JsonObject empty = success(h.run(ctx(get("http://127.0.0.1:" + toolPort + "/empty"), new JsonObject())));
    assertThat(empty.getInteger("status")).isEqualTo(204);
    assertThat(empty.getValue("body")).isNull();
    assertThat(seen.get(0).headers().get("Content-Type")).isNull();
  }

  // ---- (e) redirects ----

  @Test void aRedirectToTheCanaryIsNotFollowed() {
    for (int code : List.of(301, 302, 303, 307, 308)) {
      String url = "http://127.0.0.1:" + toolPort + "/redirect/" + code + "?to=http://127.0.0.1:" + canary.port() + "/";
      Future<JsonObject> f = handler("127.0.0.1:" + toolPort).run(ctx(get(url), new JsonObject()));
      assertThat(failure(f)).as("HTTP " + code).isInstanceOf(SecurityException.class).hasMessageContaining("redirect")
          .hasMessageContaining(String.valueOf(code));
    }
    assertThat(seen).hasSize(5);
    canary.assertNeverReached();
  }

  @Test void aRedirectToTheCloudMetadataAddressIsNotFollowed() {
    String url = "http://127.0.0.1:" + toolPort + "/redirect/302?to=http://169.254.169.254/latest/meta-data";
    Future<JsonObject> f = handler("127.0.0.1:" + toolPort, "169.254.169.254").run(ctx(get(url), new JsonObject()));
    assertThat(failure(f)).hasMessageContaining("redirect");
  }

  // ---- (f) tool errors ----

  @Test void anErrorStatusFromTheToolFailsTheNode() {
    HttpToolNodeHandler h = handler("127.0.0.1:" + toolPort);
    assertThat(failure(h.run(ctx(get("http://127.0.0.1:" + toolPort + "/fail"), new JsonObject()))))
        .hasMessageContaining("500");
    assertThat(failure(h.run(ctx(get("http://127.0.0.1:" + toolPort + "/missing"), new JsonObject()))))
        .hasMessageContaining("404");
  }

  @Test void aToolThatNeverAnswersTimesOutAndACancelStopsTheCall() {
    HttpToolNodeHandler h = handler("127.0.0.1:" + toolPort);
    JsonObject cfg = get("http://127.0.0.1:" + toolPort + "/slow").put("timeout_ms", 300);
    assertThat(failure(h.run(ctx(cfg, new JsonObject())))).isNotNull();

    NodeContext c = ctx(get("http://127.0.0.1:" + toolPort + "/slow"), new JsonObject());
    Future<JsonObject> f = h.run(c);
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().filter(s -> s.uri().equals("/slow")).count() >= 2);
    vertx.runOnContext(v -> c.cancellation().cancel("task cancelled"));
    assertThat(failure(f)).isInstanceOf(NodeCancelledException.class);
  }

  @Test void aConnectionFailureFailsTheNode() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    assertThat(failure(handler("127.0.0.1:" + closedPort).run(ctx(get("http://127.0.0.1:" + closedPort + "/"), new JsonObject()))))
        .isInstanceOf(IllegalStateException.class);
  }

  // ---- (g) injection through the state ----

  @Test void aHostInjectedThroughTheStateIsRefused() {
    HttpToolNodeHandler h = handler("api.example.com", "evil.com");
    // the value turns the listed host into userinfo and the canary into the host
    List<JsonObject> attempts = List.of(
        get("http://{{host}}:" + canary.port() + "/x"),
        get("http://api.example.com{{path}}"),
        get("http://api.example.com:80{{path}}"),
        get("{{webhook_url}}"));
    List<JsonObject> states = List.of(
        new JsonObject().put("host", "evil.com@127.0.0.1"),
        new JsonObject().put("path", "@127.0.0.1:" + canary.port() + "/"),
        new JsonObject().put("path", "@127.0.0.1:" + canary.port() + "/"),
        new JsonObject().put("webhook_url", "http://127.0.0.1:" + canary.port() + "/"));
    for (int i = 0; i < attempts.size(); i++) {
      Future<JsonObject> f = h.run(ctx(attempts.get(i), states.get(i)));
      assertThat(failure(f)).as(attempts.get(i).getString("url") + " with " + states.get(i))
          .isInstanceOfAny(SecurityException.class, IllegalArgumentException.class);
    }
    canary.assertNeverReached();
  }

  @Test void aPathInjectedThroughTheStateStaysOnTheListedHost() {
    HttpToolNodeHandler h = handler("127.0.0.1:" + toolPort);
    JsonObject cfg = get("http://127.0.0.1:" + toolPort + "/{{p}}");
    // "#@host" and "?@host" cannot move the call elsewhere either
    for (String p : List.of("ok#@127.0.0.1:" + canary.port(), "ok?x=@127.0.0.1:" + canary.port())) {
      Future<JsonObject> f = h.run(ctx(cfg, new JsonObject().put("p", p)));
      await().atMost(Duration.ofSeconds(20)).until(f::isComplete);
    }
    assertThat(seen).allSatisfy(s -> assertThat(s.headers().get("Host")).isEqualTo("127.0.0.1:" + toolPort));
    canary.assertNeverReached();
  }
}
