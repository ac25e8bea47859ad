package dev.sentinel.testing;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny blocking HTTP client for tests that go through the front door. */
public final class Http {

  public record Reply(int status, String body, HttpResponse<String> raw) {
    public JsonObject json() { return new JsonObject(body); }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  public Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public Reply get(String path) { return send(HttpRequest.newBuilder(URI.create(base + path)).GET()); }

  public Reply delete(String path) { return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE()); }

  public Reply post(String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = client.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
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
