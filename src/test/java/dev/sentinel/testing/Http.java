package dev.sentinel.testing;

import io.vertx.core.json.JsonObject;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A small blocking HTTP client for tests that go through the front door. With an API key it
 * sends {@code Authorization: Bearer}; an optional observer sees every exchange (the contract
 * test validates each response against openapi.yaml through it).
 */
public final class Http {

  public record Reply(int status, String body, HttpResponse<String> raw) {
    public JsonObject json() { return new JsonObject(body); }

    public String header(String name) { return raw.headers().firstValue(name).orElse(null); }
  }

  /** One request and its reply, as the observer sees them. */
  public record Exchange(String method, String path, Reply reply) {}

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private final String base;
  private final String apiKey;
  private final Consumer<Exchange> observer;

  public Http(int port) {
    this(port, null, null);
  }

  public Http(int port, String apiKey, Consumer<Exchange> observer) {
    this.base = "http://127.0.0.1:" + port;
    this.apiKey = apiKey;
    this.observer = observer;
  }

  public Http withKey(String key) { return new Http(port(), key, observer); }

  public Http observedBy(Consumer<Exchange> o) { return new Http(port(), apiKey, o); }

  public int port() { return URI.create(base).getPort(); }

  public Reply get(String path) { return send("GET", path, null, Map.of()); }

  public Reply delete(String path) { return send("DELETE", path, null, Map.of()); }

  public Reply post(String path, String body) { return send("POST", path, body, Map.of()); }

  public Reply post(String path, String body, Map<String, String> headers) { return send("POST", path, body, headers); }

  public Reply send(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (body != null && !headers.containsKey("content-type")) b.header("content-type", "application/json");
    if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
    headers.forEach(b::header);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      // the request timeout covers only the headers: bound the whole exchange, body included
      HttpResponse<String> r = CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
      Reply reply = new Reply(r.statusCode(), r.body(), r);
      if (observer != null) observer.accept(new Exchange(method, path, reply));
      return reply;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isUp() {
    try {
      return get("/health").status() == 200;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
