package dev.sentinel.http;

import dev.sentinel.agent.Agent;
import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.agent.InvalidTaskParamsException;
import dev.sentinel.config.SentinelConfig.TaskDefaults;
import dev.sentinel.http.Problem.FieldError;
import dev.sentinel.store.NewTask;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Parses and validates a POST /tasks body into a {@link NewTask}, collecting every failing
 * field. Malformed JSON is 400, schema violations 422 (as the seed did), an unknown agent 400.
 * As in the seed, an explicit {@code null} means the field was left out and fields the API does
 * not know are ignored (the answer names them: {@link Submission#ignoredFields}); server-owned
 * fields are refused, never silently taken or dropped.
 */
public final class TaskRequest {

  /** Identifiers become parts of Redis keys: a strict alphabet keeps them from meaning anything else. */
  public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  public static final String DEFAULT_AGENT = "prompt-based";

  private static final Set<String> ACCEPTED = Set.of("tenant_id", "agent_type", "task_type", "task_params",
      "max_attempts", "priority", "cost_limit", "run_at");
  private static final Set<String> SERVER_OWNED = Set.of("task_id", "id", "status", "owner", "epoch", "claim",
      "lease_expires", "attempts", "cost", "cost_so_far", "step", "total_steps", "current_node", "created_at",
      "updated_at", "completed_at", "result", "error", "worker_id");
  private static final BigDecimal NANOS = BigDecimal.valueOf(1_000_000_000L);

  private TaskRequest() {}

  /** A valid submission, and the unknown fields it carried that were ignored (in body order). */
  public record Submission(NewTask task, List<String> ignoredFields) {}

  /** The friendly per-field errors for a body the contract refused (empty if this code finds none). */
  public static List<FieldError> fieldErrors(Buffer body, AgentRegistry agents) {
    try {
      parse(body, agents, new TaskDefaults(3, 0));
      return List.of();
    } catch (ProblemException e) {
      return e.problem().errors();
    }
  }

  public static Submission parse(Buffer body, AgentRegistry agents, TaskDefaults defaults) {
    JsonObject j;
    try {
      Object parsed = body == null || body.length() == 0 ? null : Json.decodeValue(body);
      if (!(parsed instanceof JsonObject o)) {
        throw new ProblemException(Problem.of(400, "Bad request", "the request body must be a JSON object"));
      }
      j = o;
    } catch (DecodeException e) {
      throw new ProblemException(Problem.of(400, "Malformed JSON", "the request body is not valid JSON"));
    }
    List<FieldError> errors = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (String key : j.fieldNames()) {
      if (SERVER_OWNED.contains(key)) errors.add(new FieldError(key, key + " is set by the server and cannot be given"));
      else if (!ACCEPTED.contains(key)) ignored.add(key);
    }
    String tenant = identifier(j, "tenant_id", true, errors);
    String taskType = identifier(j, "task_type", true, errors);
    String agentType = identifier(j, "agent_type", false, errors);
    // null or absent: the default agent (an invalid one is an error above, thrown below)
    if (agentType == null) agentType = DEFAULT_AGENT;
    JsonObject params = new JsonObject();
    Object p = j.getValue("task_params");
    if (p instanceof JsonObject o) params = o;
    else if (p != null) errors.add(new FieldError("task_params", "task_params must be a JSON object"));
    int maxAttempts = whole(j, "max_attempts", defaults.defaultMaxAttempts(), 1, 100, errors);
    int priority = whole(j, "priority", 0, -1000, 1000, errors);
    Long costLimit = money(j, "cost_limit", errors);
    if (j.getValue("cost_limit") == null) {   // absent or null: the configured default
      costLimit = defaults.defaultCostLimitNanos() > 0 ? defaults.defaultCostLimitNanos() : null;
    }
    Long runAt = instant(j, "run_at", errors);
    if (!errors.isEmpty()) throw new ProblemException(Problem.invalid(422, errors));

    String named = agentType;
    Agent agent = agents.find(agentType).orElseThrow(() -> new ProblemException(Problem.invalid(400,
        List.of(new FieldError("agent_type", "unknown agent_type '" + named
            + "' (known: " + String.join(", ", agents.names()) + ")")))));
    try {
      agent.validate(params);
    } catch (InvalidTaskParamsException e) {
      throw new ProblemException(Problem.invalid(422, List.of(new FieldError(e.field(), e.getMessage()))));
    }
    OptionalInt steps = agent.graph(params).linearLength();
    return new Submission(new NewTask(UUID.randomUUID().toString(), tenant, agentType, taskType, params, maxAttempts,
        priority, costLimit, runAt, steps.isPresent() ? steps.getAsInt() : null), List.copyOf(ignored));
  }

  private static String identifier(JsonObject j, String key, boolean required, List<FieldError> errors) {
    Object v = j.getValue(key);
    if (v == null) {
      if (required) errors.add(new FieldError(key, key + " is required"));
      return null;
    }
    if (!(v instanceof String s) || !IDENTIFIER.matcher(s).matches()) {
      errors.add(new FieldError(key, key + " must be 1-128 characters of letters, digits, '_', '.' and '-'"));
      return null;
    }
    return s;
  }

  private static int whole(JsonObject j, String key, int dflt, int min, int max, List<FieldError> errors) {
    Object v = j.getValue(key);
    if (v == null) return dflt;
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() < min || n.doubleValue() > max) {
      errors.add(new FieldError(key, key + " must be a whole number from " + min + " to " + max));
      return dflt;
    }
    return n.intValue();
  }

  /** USD as given, stored as integer nano-USD so sums stay exact. */
  private static Long money(JsonObject j, String key, List<FieldError> errors) {
    Object v = j.getValue(key);
    if (v == null) return null;
    if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())
        || n.doubleValue() < 0 || n.doubleValue() > 1_000_000) {
      errors.add(new FieldError(key, key + " must be a number of US dollars from 0 to 1000000"));
      return null;
    }
    return new BigDecimal(n.toString()).multiply(NANOS).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  private static Long instant(JsonObject j, String key, List<FieldError> errors) {
    Object v = j.getValue(key);
    if (v == null) return null;
    try {
      if (v instanceof String s) return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      // reported below; ArithmeticException: a year like +1000000000 parses but is beyond epoch milliseconds
    }
    errors.add(new FieldError(key, key + " must be an ISO-8601 UTC time such as 2026-01-31T12:00:00Z"));
    return null;
  }
}
