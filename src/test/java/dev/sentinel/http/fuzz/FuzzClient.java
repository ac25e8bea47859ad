package dev.sentinel.http.fuzz;

import dev.sentinel.testing.RawHttpClient;
import dev.sentinel.testing.RawHttpClient.Answer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a {@link FuzzRequest} through java.net.http, or over a raw socket when the request says
 * so or when java.net.http refuses what it holds (a target {@link URI} cannot parse, a header it
 * does not allow, a method name it rejects). Of an event stream only the head is read.
 */
public final class FuzzClient {

  private final int port;
  private final int answerWithinMs;
  private final HttpClient client;
  private final RawHttpClient raw;

  public FuzzClient(int port, int answerWithinMs) {
    this.port = port;
    this.answerWithinMs = answerWithinMs;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.raw = new RawHttpClient(port, answerWithinMs);
  }

  /** @throws IllegalStateException when no complete answer came in time (a hang, a reset) */
  public Answer send(FuzzRequest req) {
    return req.raw() ? sendRaw(req) : sendWithClient(req);
  }

  private Answer sendRaw(FuzzRequest req) {
    return raw.send(req.method(), req.target(), req.headers(), req.body());
  }

  private Answer sendWithClient(FuzzRequest req) {
    HttpRequest.Builder b;
    try {
      b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + req.target())).timeout(Duration.ofMillis(answerWithinMs));
    } catch (IllegalArgumentException e) {
      return sendRaw(req);
    }
    for (Map.Entry<String, String> h : req.headers()) {
      try {
        b.header(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        return sendRaw(req);
      }
    }
    try {
      b.method(req.method(), req.body() == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(req.body()));
    } catch (IllegalArgumentException e) {
      return sendRaw(req);
    }
    HttpResponse.BodyHandler<byte[]> handler = info -> {
      String ct = info.headers().firstValue("content-type").orElse("");
      if (ct.startsWith("text/event-stream")) {   // a live stream: its head is what we check
        return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(), in -> {
          try {
            in.close();
          } catch (IOException ignored) {
            // closing is all we want
          }
          return new byte[0];
        });
      }
      return HttpResponse.BodySubscribers.ofByteArray();
    };
    CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(b.build(), handler);
    try {
      HttpResponse<byte[]> r = f.get(answerWithinMs, TimeUnit.MILLISECONDS);
      Map<String, List<String>> headers = new TreeMap<>();
      r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
      return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(null), headers,
          new String(r.body(), StandardCharsets.UTF_8));
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IllegalStateException("no answer within " + answerWithinMs + " ms");
    } catch (ExecutionException e) {
      throw new IllegalStateException(String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
