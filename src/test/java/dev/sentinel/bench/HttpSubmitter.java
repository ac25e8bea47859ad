package dev.sentinel.bench;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/** Submits noop tasks through the front door (POST /tasks), `parallel` at a time; every answer must be 201. */
public final class HttpSubmitter {

  private HttpSubmitter() {}

  public static List<String> submit(int port, int tasks, int steps, int parallel) throws Exception {
    return submit(port, tasks, new JsonObject().put("steps", steps), parallel);
  }

  /** The same with any noop task_params (a sleep, a wait). */
  public static List<String> submit(int port, int tasks, JsonObject taskParams, int parallel) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Semaphore inFlight = new Semaphore(parallel);
    List<CompletableFuture<String>> all = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      String body = new JsonObject().put("tenant_id", "tenant-" + (i % 8)).put("task_type", "bench").put("agent_type", "noop")
          .put("task_params", taskParams.copy()).encode();
      inFlight.acquire();
      all.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tasks"))
              .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, e) -> inFlight.release())
          .thenApply(r -> {
            if (r.statusCode() != 201) throw new IllegalStateException("POST /tasks answered " + r.statusCode() + ": " + r.body());
            return new JsonObject(r.body()).getString("task_id");
          }));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<String> f : all) ids.add(f.get());
    return ids;
  }
}
