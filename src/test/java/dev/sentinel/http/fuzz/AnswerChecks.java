package dev.sentinel.http.fuzz;

import dev.sentinel.testing.RawHttpClient.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.sentinel.testing.Ascii.clip;

/** What every answer of the API must be, whatever was sent, and how a finding names its request. */
public final class AnswerChecks {

  private AnswerChecks() {}

  /** Why a 4xx is not a proper problem document (content type, status, detail), or null if it is. */
  public static String problemViolation(FuzzRequest req, Answer res) {
    if (res.contentType() == null || !res.contentType().startsWith("application/problem+json")) {
      return "content-type " + res.contentType();
    }
    if (req.method().equals("HEAD")) return null;   // no body to a HEAD
    JsonObject p;
    try {
      p = new JsonObject(res.body());
    } catch (RuntimeException e) {
      return "body is not a JSON object";
    }
    Object status = p.getValue("status");
    if (!(status instanceof Integer) || (Integer) status != res.status()) return "\"status\" is " + status;
    Object detail = p.getValue("detail");
    if (!(detail instanceof String) || ((String) detail).isBlank()) return "\"detail\" is " + detail;
    return null;
  }

  /** The fields a problem document's {@code errors} list names (empty when it has none or is no problem). */
  public static List<String> problemFields(Answer res) {
    List<String> out = new ArrayList<>();
    try {
      JsonArray errors = new JsonObject(res.body()).getJsonArray("errors");
      if (errors != null) for (Object e : errors) if (e instanceof JsonObject o) out.add(String.valueOf(o.getValue("field")));
    } catch (RuntimeException e) {
      // not a JSON object: problemViolation reports that
    }
    return out;
  }

  public static boolean looksLikeStackTrace(Answer res) {
    String ct = res.contentType() == null ? "" : res.contentType();
    boolean fromUs = res.status() >= 400 || ct.startsWith("application/json") || ct.startsWith("application/problem+json");
    return fromUs && (res.body().contains("Exception") || res.body().contains("\tat "));
  }

  /** The request (and the answer, when there is one) on a line or two of plain ASCII. */
  public static String describe(int i, FuzzRequest req, Answer res) {
    StringBuilder b = new StringBuilder("#").append(i).append(' ').append(req.op()).append(": ").append(req.method())
        .append(' ').append(clip(req.target(), 1_000)).append(req.raw() ? " (raw socket)" : "");
    for (Map.Entry<String, String> h : req.headers()) b.append(" | ").append(h.getKey()).append(": ").append(clip(h.getValue(), 60));
    if (req.body() != null) {
      b.append(" | body ").append(req.body().length).append(" bytes: ")
          .append(clip(new String(req.body(), StandardCharsets.UTF_8), 150));
    }
    if (res != null) b.append("\n    -> ").append(res.status()).append(' ').append(res.contentType()).append(' ')
        .append(clip(res.body(), 300));
    return b.toString();
  }
}
