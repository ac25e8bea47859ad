package dev.sentinel.http;

import dev.sentinel.agent.Agent;
import dev.sentinel.agent.AgentGraph;
import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.agent.InvalidTaskParamsException;
import dev.sentinel.config.SentinelConfig.TaskDefaults;
import dev.sentinel.http.Problem.FieldError;
import dev.sentinel.store.NewTask;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

/**
 * Maps a POST /tasks body, which the contract (openapi.yaml's TaskSubmission) has already
 * validated, into a {@link NewTask}. The contract is the one validation of the request: it names
 * every field of the wrong type or range, and refuses server-owned fields. What is left here is
 * what a schema cannot know: whether the agent exists (400 as in the seed), whether its params
 * suit it, and whether {@code run_at} fits in epoch milliseconds. As in the seed, an explicit
 * {@code null} means the field was left out and fields the API does not know are ignored (the
 * answer names them: {@link Submission#ignoredFields}).
 */
public final class TaskRequest {

  public static final String DEFAULT_AGENT = "prompt-based";

  /** The submission's own fields; the contract refuses the server-owned ones, so any other field is ignored. */
  private static final Set<String> ACCEPTED = Set.of("tenant_id", "agent_type", "task_type", "task_params",
      "max_attempts", "priority", "cost_limit", "run_at");
  private static final BigDecimal NANOS = BigDecimal.valueOf(1_000_000_000L);

  private TaskRequest() {}

  /** A valid submission, and the unknown fields it carried that were ignored (in body order). */
  public record Submission(NewTask task, AgentGraph graph, List<String> ignoredFields) {}

  public static Submission parse(Buffer body, AgentRegistry agents, TaskDefaults defaults) {
    JsonObject j = body.toJsonObject();
    List<String> ignored = j.fieldNames().stream().filter(key -> !ACCEPTED.contains(key)).toList();
    String agentType = j.getValue("agent_type") instanceof String named ? named : DEFAULT_AGENT;
    JsonObject params = j.getValue("task_params") instanceof JsonObject given ? given : new JsonObject();
    int maxAttempts = j.getValue("max_attempts") instanceof Number n ? n.intValue() : defaults.defaultMaxAttempts();
    int priority = j.getValue("priority") instanceof Number n ? n.intValue() : 0;
    Long costLimit = j.getValue("cost_limit") instanceof Number n ? nanos(n)   // absent or null: the configured default
        : defaults.defaultCostLimitNanos() > 0 ? defaults.defaultCostLimitNanos() : null;
    Long runAt = j.getValue("run_at") instanceof String at ? epochMillis(at) : null;

    Agent agent = agents.find(agentType).orElseThrow(() -> new ProblemException(Problem.invalid(400,
        List.of(new FieldError("agent_type", "unknown agent_type '" + agentType
            + "' (known: " + String.join(", ", agents.names()) + ")")))));
    try {
      agent.validate(params);
    } catch (InvalidTaskParamsException e) {
      throw new ProblemException(Problem.invalid(422, List.of(new FieldError(e.field(), e.getMessage()))));
    }
    AgentGraph graph = agent.graph(params);
    OptionalInt steps = graph.linearLength();
    return new Submission(new NewTask(UUID.randomUUID().toString(), j.getString("tenant_id"), agentType,
        j.getString("task_type"), params, maxAttempts, priority, costLimit, runAt,
        steps.isPresent() ? steps.getAsInt() : null), graph, ignored);
  }

  /** USD as given, stored as integer nano-USD so sums stay exact. */
  private static long nanos(Number usd) {
    return new BigDecimal(usd.toString()).multiply(NANOS).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  /**
   * The contract checked the RFC 3339 form; a year like +1000000000 still parses but is beyond
   * epoch milliseconds, and RFC 3339 allows forms (a lower-case 't', a leap second) that
   * {@link Instant} does not read.
   */
  private static long epochMillis(String at) {
    try {
      return Instant.parse(at).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new ProblemException(Problem.invalid(422,
          List.of(new FieldError("run_at", "run_at must be an ISO-8601 UTC time such as 2026-01-31T12:00:00Z"))));
    }
  }
}
