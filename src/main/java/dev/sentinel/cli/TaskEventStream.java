package dev.sentinel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * GET /tasks/{id}/events read as server-sent events (the generated client reads whole bodies,
 * and this one does not end while the task runs). Token events (streamed LLM text) are skipped:
 * the command line shows progress, not text.
 */
final class TaskEventStream {

  /** One event: its type (claimed, step, completed, ...) and its fields. */
  record Event(String type, JsonNode data) {}

  private final Connection connection;
  private final ObjectMapper json;
  /** The id of the last event read, sent back as Last-Event-ID when the stream is read again. */
  private String lastEventId;

  TaskEventStream(Connection connection) {
    this.connection = connection;
    this.json = connection.json();
  }

  /**
   * Calls {@code each} for every event until it answers false, the stream ends (the task is
   * final), or no event came for {@code idle} (null: wait as long as the task runs).
   *
   * @return the HTTP status of the stream (200, or the error the server gave)
   */
  int read(String taskId, Duration idle, Predicate<Event> each) throws IOException, InterruptedException {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(connection.base() + "/tasks/" + taskId + "/events"))
        .header("Accept", "text/event-stream").GET();
    // a stream read again (it ended before the task did: an API node restarted) resumes after
    // the last event instead of replaying the task's whole history
    if (lastEventId != null) req.header("Last-Event-ID", lastEventId);
    if (connection.apiKey() != null) req.header("Authorization", "Bearer " + connection.apiKey());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<java.io.InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (resp.statusCode() != 200) {
      resp.body().close();
      return resp.statusCode();
    }
    // lines are read on a thread of their own so that an idle stream can be left
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
    String end = "\u0000end";
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) lines.put(line);
      } catch (IOException | InterruptedException e) {
        // the stream ended or was left
      } finally {
        lines.offer(end);
      }
    }, "sentinel-cli-events");
    reader.setDaemon(true);
    reader.start();
    try {
      String type = null;
      StringBuilder data = new StringBuilder();
      while (true) {
        String line = idle == null ? lines.take() : lines.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || line.equals(end)) return 200;
        if (line.isEmpty()) {   // the end of one event
          if (type != null && !"token".equals(type) && data.length() > 0
              && !each.test(new Event(type, json.readTree(data.toString())))) {
            return 200;
          }
          type = null;
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          lastEventId = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          type = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
    } finally {
      reader.interrupt();
      resp.body().close();
    }
  }
}
