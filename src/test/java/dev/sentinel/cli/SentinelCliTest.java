package dev.sentinel.cli;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every command of the command line against a real node (API, workers, watcher on a real
 * Redis), through the client generated from openapi.yaml: its text, its JSON and its exit code.
 */
class SentinelCliTest {

  private static final String ADMIN = "cli-admin-key-0123456789";

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;
  TestNode node;
  Http admin;
  String url;

  record Run(int exit, String out, String err) {
    JsonObject json() { return new JsonObject(out.trim()); }
  }

  @BeforeEach void start() {
    f = redis.fixture();
    node = new TestNode(redis.url(), f.keys.prefix(), "http: {port: 0}\nworker: {instances: 1, concurrency: 4}\n"
        + "watcher: {interval_ms: 100}\n" + TestNode.adminKeyYaml(ADMIN));
    admin = node.startApi().withKey(ADMIN);
    node.startWorkers("n1").startWatcher();
    url = "http://127.0.0.1:" + admin.port();
  }

  @AfterEach void stop() {
    node.close();
    f.close();
  }

  private Run as(String key, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url=" + url);
    if (key != null) all.add("--api-key=" + key);
    Terminal terminal = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8), false, null, "80");
    int exit = SentinelCli.run(all.toArray(String[]::new), terminal, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Run cli(String... args) { return as(ADMIN, args); }

  private String status(String id) {
    return f.meta(id).get("status");
  }

  @Test void submitWaitDrawsProgressToTheEndAndScriptsGetTheTaskAsJson() {
    Run text = cli("submit", "--tenant", "acme", "--agent", "noop", "--param", "steps=3", "--param", "step_ms=100", "--wait");
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out()).contains("[####################] 3/3  completed").contains("completed in 3 step(s)")
        .contains("\"step\" : 3");
    assertThat(text.out().lines().filter(l -> l.startsWith("[")).count()).as("progress lines, one per change").isGreaterThan(1);

    Run json = cli("submit", "--tenant", "acme", "--agent", "noop", "--param", "steps=2", "--wait", "-o", "json");
    assertThat(json.exit()).isZero();
    assertThat(json.json().getString("status")).isEqualTo("completed");
    assertThat(json.json().getInteger("step")).isEqualTo(2);
    assertThat(json.json().getString("agent_version")).hasSize(16);
  }

  @Test void tasksListsAndTaskShowsTheTimelineWithEpochsAndWorkers() {
    String id = cli("submit", "--tenant", "acme", "--agent", "noop", "--param", "steps=3", "--wait", "-o", "json")
        .json().getString("task_id");
    Run table = cli("tasks", "--tenant", "acme");
    assertThat(table.exit()).isZero();
    assertThat(table.out()).contains(id).contains("completed").contains("3/3");
    assertThat(table.out().lines()).allMatch(l -> l.length() <= 80, "80 columns");
    JsonArray listed = cli("tasks", "--tenant", "acme", "-o", "json").json().getJsonArray("tasks");
    assertThat(listed.stream().map(t -> ((JsonObject) t).getString("task_id")).toList()).contains(id);

    Run task = cli("task", id);
    assertThat(task.exit()).as(task.err()).isZero();
    assertThat(task.out()).contains("claimed epoch 1 by n1-w1").contains("step 1 step-1 committed epoch 1")
        .contains("step 3 step-3 committed epoch 1").contains("completed");
    JsonObject json = cli("task", id, "-o", "json").json();
    assertThat(json.getJsonArray("timeline").stream().map(e -> ((JsonObject) e).getString("type")).toList())
        .containsExactly("claimed", "step", "step", "step", "completed");
    assertThat(json.getJsonObject("task").getString("status")).isEqualTo("completed");
  }

  /** A zombie's refused write, as the task's history records it (LeaseProtocolTest writes them for real). */
  @Test void theTimelineNamesARefusedStaleWriteAndItsWriter() throws Exception {
    var data = new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"type\":\"refused\",\"at\":1796700000000,"
        + "\"op\":\"commit_step\",\"epoch\":\"1\",\"claim\":\"zombie-w1:ab12:1\",\"reply\":\"STALE\",\"current_epoch\":\"3\"}");
    Terminal plain = new Terminal(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, null, "80");
    assertThat(TaskCommand.describe(plain, new TaskEventStream.Event("refused", data)))
        .endsWith("refused commit_step epoch 1 from zombie-w1 (STALE; the task is at epoch 3): fenced out");
  }

  @Test void inputResumesAWaitingTaskAndCancelStopsAnother() {
    String waiting = cli("submit", "--tenant", "acme", "--agent", "noop", "--param", "steps=2", "--param",
        "wait_input_at_step=2", "-o", "json").json().getString("task_id");
    await().atMost(Duration.ofSeconds(20)).until(() -> "waiting".equals(status(waiting)));
    assertThat(cli("task", waiting).out()).contains("waiting (input) at wait-input");
    Run given = cli("input", waiting, "--data", "{\"answer\":42}");
    assertThat(given.exit()).as(given.err()).isZero();
    await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(status(waiting)));
    assertThat(new JsonObject(f.meta(waiting).get("result")).getJsonObject("input").getInteger("answer")).isEqualTo(42);

    String other = cli("submit", "--tenant", "acme", "--agent", "noop", "--param", "steps=2", "--param",
        "wait_input_at_step=1", "-o", "json").json().getString("task_id");
    await().atMost(Duration.ofSeconds(20)).until(() -> "waiting".equals(status(other)));
    assertThat(cli("cancel", other).exit()).isZero();
    assertThat(status(other)).isEqualTo("cancelled");
    Run late = cli("input", other, "--data", "{}");
    assertThat(late.exit()).as("input to a task that no longer waits: 409").isEqualTo(ExitCode.USAGE);
    assertThat(late.err()).contains("409").contains("not waiting for input");
  }

  @Test void exitCodesMeanWhatTheySay() {
    assertThat(cli("task", "no-such-task").exit()).isEqualTo(ExitCode.NOT_FOUND_OR_DENIED);
    Run unknownAgent = cli("submit", "--tenant", "acme", "--agent", "nope");
    assertThat(unknownAgent.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(unknownAgent.err()).contains("400").contains("agent_type");
    Run failing = cli("submit", "--tenant", "acme", "--agent", "noop", "--param", "steps=2", "--param", "fail_at_step=2",
        "--max-attempts", "1", "--wait");
    assertThat(failing.exit()).isEqualTo(ExitCode.TASK_FAILED);
    assertThat(failing.out()).contains("failed: ").contains("fail_at_step");
    assertThat(cli("no-such-command").exit()).isEqualTo(ExitCode.USAGE);
    assertThat(cli("input", "x", "--data", "[1]").exit()).isEqualTo(ExitCode.USAGE);
    assertThat(as(null, "tasks").exit()).as("no key on a node with keys: 401").isEqualTo(ExitCode.NOT_FOUND_OR_DENIED);
    url = "http://127.0.0.1:" + dev.sentinel.testing.RedisServerProcess.freePort();
    Run away = cli("tasks");
    assertThat(away.exit()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(away.err()).contains("cannot reach " + url);
  }

  @Test void aTenantKeySeesOnlyItsTenant() {
    String alphaKey = admin.post("/admin/api-keys", "{\"tenant_id\":\"alpha\",\"name\":\"a\"}").json().getString("api_key");
    String betaKey = admin.post("/admin/api-keys", "{\"tenant_id\":\"beta\",\"name\":\"b\"}").json().getString("api_key");
    String alphas = as(alphaKey, "submit", "--tenant", "alpha", "--agent", "noop", "-o", "json").json().getString("task_id");
    String betas = as(betaKey, "submit", "--tenant", "beta", "--agent", "noop", "-o", "json").json().getString("task_id");
    Run listed = as(betaKey, "tasks", "-o", "json");
    assertThat(listed.out()).contains(betas).doesNotContain(alphas);
    assertThat(as(betaKey, "task", alphas).exit()).isEqualTo(ExitCode.NOT_FOUND_OR_DENIED);
    assertThat(as(betaKey, "cancel", alphas).exit()).isEqualTo(ExitCode.NOT_FOUND_OR_DENIED);
    assertThat(as(betaKey, "costs", "alpha").exit()).isEqualTo(ExitCode.NOT_FOUND_OR_DENIED);
    assertThat(as(betaKey, "workers").exit()).as("admin only").isEqualTo(ExitCode.NOT_FOUND_OR_DENIED);
    assertThat(as(betaKey, "submit", "--tenant", "alpha", "--agent", "noop").exit()).isEqualTo(ExitCode.NOT_FOUND_OR_DENIED);
  }

  @Test void costsLimitsWorkersReplayRetryAndTop() {
    String id = cli("submit", "--tenant", "acme", "--agent", "noop", "--param", "steps=2", "--wait", "-o", "json")
        .json().getString("task_id");
    Run set = cli("limits", "acme", "--set", "max_running=4", "--set", "daily_budget_usd=2.5", "-o", "json");
    assertThat(set.exit()).as(set.err()).isZero();
    assertThat(set.json().getInteger("max_running")).isEqualTo(4);
    assertThat(cli("limits", "acme").out()).contains("max_running       4").contains("own: ");
    Run bad = cli("limits", "acme", "--set", "max_runing=4");
    assertThat(bad.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err()).contains("max_runing");
    assertThat(cli("costs", "acme", "-o", "json").json().getInteger("task_count")).isEqualTo(1);
    assertThat(cli("costs", "acme").out()).contains("tenant acme: $0 over 1 task(s)");
    assertThat(cli("workers").out()).contains("n1-w1").contains("running");

    JsonObject fork = cli("replay", id, "--from-step", "1", "-o", "json").json();
    assertThat(fork.getString("parent_task_id")).isEqualTo(id);
    await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(status(fork.getString("task_id"))));

    String failed = cli("submit", "--tenant", "acme", "--agent", "noop", "--param", "fail_at_step=1", "--max-attempts", "1",
        "--wait", "-o", "json").json().getString("task_id");
    assertThat(status(failed)).isEqualTo("failed");
    assertThat(cli("retry", failed).exit()).isZero();
    assertThat(status(failed)).isIn("queued", "leased", "in_progress", "retrying", "failed");   // it fails again, on purpose

    Run top = cli("top", "--iterations", "2", "--interval", "1");
    assertThat(top.exit()).as(top.err()).isZero();
    assertThat(top.out()).contains("sentinel top").contains("completed").contains("tasks/s").contains("workers 1");
    assertThat(cli("top", "--iterations", "1", "-o", "json").json().getJsonObject("stats").getInteger("total_tasks"))
        .isGreaterThanOrEqualTo(3);
  }
}
