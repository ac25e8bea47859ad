package dev.sentinel.tools;

import dev.sentinel.agent.NodeCancelledException;
import dev.sentinel.agent.NodeContext;
import dev.sentinel.agent.NodeHandler;
import dev.sentinel.agent.Template;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.InetAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code http}: calls a tool over HTTP. Method, URL template, JSON body template and timeout
 * come from the node; the host must pass the {@link HostPolicy}; redirects are never
 * followed. Every call carries the step's idempotency key and the lease's fencing token, so
 * the tool can drop a duplicate or a zombie's late call. Output: {@code {status, body}}.
 */
public final class HttpToolNodeHandler implements NodeHandler {

  private final Vertx vertx;
  private final WebClient client;
  private final HostPolicy policy;
  private final long defaultTimeoutMs;

  public HttpToolNodeHandler(Vertx vertx, List<String> allowedHosts, long defaultTimeoutMs) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setUserAgent("sentinel-tool"),
        new PoolOptions().setHttp1MaxSize(64));
    this.policy = new HostPolicy(allowedHosts);
    this.defaultTimeoutMs = defaultTimeoutMs;
  }

  @Override public String name() { return "http"; }

  @Override public Future<JsonObject> run(NodeContext ctx) {
    JsonObject cfg = ctx.node().config();
    URI url;
    try {
      url = URI.create(Template.render(cfg.getString("url", ""), ctx.state()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException("http node " + ctx.node().name() + ": bad URL: " + e.getMessage()));
    }
    Object body = cfg.containsKey("body") ? Template.renderJson(cfg.getValue("body"), ctx.state()) : null;
    return send(ctx, new Call(cfg.getString("method", "GET"), url, body, cfg.getLong("timeout_ms", defaultTimeoutMs)));
  }

  /**
   * One HTTP call, the values already rendered (a node's templates, or a model's arguments when
   * the agent loop uses this as its {@code http} tool). {@code body} null: none is sent.
   */
  public record Call(String method, URI url, Object body, long timeoutMs) {}

  public long defaultTimeoutMs() { return defaultTimeoutMs; }

  /** Sends {@code call} under the host policy, with the step's idempotency key and fencing token. */
  public Future<JsonObject> send(NodeContext ctx, Call call) {
    URI url = call.url();
    Optional<String> refused = policy.refuseUrl(url);
    if (refused.isPresent()) return Future.failedFuture(new SecurityException(refused.get()));
    String host = url.getHost();
    // the lookup blocks: off the event loop
    return vertx.executeBlocking(() -> Arrays.asList(InetAddress.getAllByName(host.replace("[", "").replace("]", ""))))
        .compose(addresses -> {
          for (InetAddress a : addresses) {
            Optional<String> no = policy.refuseAddress(url, a);
            if (no.isPresent()) return Future.failedFuture(new SecurityException(no.get()));
          }
          return call(ctx, call, addresses.get(0));
        });
  }

  private Future<JsonObject> call(NodeContext ctx, Call call, InetAddress address) {
    URI url = call.url();
    boolean tls = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
    String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    HttpMethod method = HttpMethod.valueOf(call.method().toUpperCase(Locale.ROOT));
    HttpRequest<Buffer> req = client.request(method, SocketAddress.inetSocketAddress(port, address.getHostAddress()), port, url.getHost(), path)
        .ssl(tls)
        .timeout(call.timeoutMs())
        .putHeader("Idempotency-Key", ctx.idempotencyKey())
        .putHeader("X-Sentinel-Task-Id", ctx.taskId())
        .putHeader("X-Sentinel-Fencing-Token", ctx.fencingToken());
    Promise<JsonObject> result = Promise.promise();
    ctx.cancellation().onCancel(() -> result.tryFail(new NodeCancelledException(ctx.cancellation().reason())));
    Future<HttpResponse<Buffer>> sent = call.body() != null
        ? req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(Json.encode(call.body())))
        : req.send();
    sent.onComplete(ar -> {
      if (ar.failed()) {
        result.tryFail(new IllegalStateException("http node " + ctx.node().name() + ": " + ar.cause().getMessage()));
        return;
      }
      int status = ar.result().statusCode();
      if (status >= 300 && status < 400) {
        result.tryFail(new SecurityException("http node " + ctx.node().name() + ": redirect (" + status + ") refused"));
      } else if (status >= 400) {
        result.tryFail(new IllegalStateException("http node " + ctx.node().name() + ": the tool answered " + status));
      } else {
        String text = ar.result().bodyAsString();
        Object body;
        try {
          body = text == null || text.isEmpty() ? null : Json.decodeValue(text);
        } catch (RuntimeException e) {
          body = text;
        }
        result.tryComplete(new JsonObject().put("status", status).put("body", body));
      }
    });
    return result.future();
  }
}
