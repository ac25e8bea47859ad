package dev.sentinel.it;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.PrometheusText;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import io.vertx.core.json.JsonObject;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics from real processes: an API node (with the watcher) and a worker-only node, whose
 * llm nodes call an OpenAI-compatible stub in this JVM. After a run, the worker's management
 * port shows the task, step, lease and LLM meters with the run's exact numbers (the LLM's
 * checked against the stub's own ledger), the API node's shows the submissions and Vert.x's HTTP
 * meters, and the README's metric table lists exactly the families a live scrape has.
 */
class MetricsIT {

  static final long LEASE_MS = 1500;
  static final long WATCHER_INTERVAL_MS = 250;
  /** Long enough that each prompt-based task (3 calls) holds its lease across several renewals. */
  static final long STUB_DELAY_MS = 400;
  static final List<String> TENANTS = List.of("acme", "globex");
  static final int LLM_TASKS = 4;

  /**
   * README metrics this run does not provoke (a budget needs a day's spend; a wait needs a
   * limit or a 429 that another call runs into): they must still be in the README, and may
   * only be missing from the scrape.
   */
  static final Set<String> NOT_PROVOKED = Set.of("sentinel_budget_pauses_total", "sentinel_budget_exceeded_total",
      "sentinel_rate_limit_wait_seconds");

  /** The family of the dashboard's rate-limit panel, which only {@link #callsThatRunIntoAModelLimitShowOnTheDashboardsRateLimitPanel} provokes. */
  static final String RATE_LIMIT_WAITS = "sentinel_rate_limit_wait_seconds";

  RedisServerProcess redis;
  OpenAiStub stub;
  final List<SentinelProcess> processes = new ArrayList<>();

  @BeforeEach void start() throws IOException {
    // SentinelProcess appends to target/it-logs/<name>.log: an earlier run's lines would answer the waits on them
    for (String name : List.of("metrics-worker", "metrics-first", "metrics-clash", "metrics-none")) {
      Files.deleteIfExists(Path.of("target", "it-logs", name + ".log"));
    }
    redis = RedisServerProcess.start();
    stub = OpenAiStub.start().delayMs(STUB_DELAY_MS);
  }

  @AfterEach void stop() {
    processes.forEach(SentinelProcess::close);
    stub.close();
    redis.close();
  }

  private SentinelProcess start(String name, String roles, Map<String, String> extra) {
    return start(name, roles, extra, null);
  }

  private SentinelProcess start(String name, String roles, Map<String, String> extra, Path conf) {
    Map<String, String> env = SentinelProcess.envCallingStub(redis.url(), LEASE_MS, WATCHER_INTERVAL_MS, stub.baseUrl());
    env.put("SENTINEL_METRICS_QUEUE_REFRESH_MS", "200");
    env.putAll(extra);
    SentinelProcess p = SentinelProcess.start(name, roles, env, conf);
    processes.add(p);
    return p;
  }

  private static PrometheusText scrape(SentinelProcess node) {
    Http.Reply r = new Http(node.metricsPort()).get("/metrics");
    assertThat(r.status()).as(node.name() + " /metrics").isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("text/plain");
    return PrometheusText.parse(r.body());
  }

  @Test void aWorkerOnlyNodeAndAnApiNodeShowTheRunOnTheirManagementPorts() {
    int port = RedisServerProcess.freePort();
    SentinelProcess apiNode = start("metrics-api", "api,watcher", Map.of("SENTINEL_HTTP_PORT", String.valueOf(port)));
    Http api = new Http(port);
    await().atMost(Duration.ofSeconds(30)).until(api::isUp);

    stub.fail429(1, 1);   // one provider 429: counted, then retried after its Retry-After
    List<String> llmTasks = new ArrayList<>();
    for (int i = 0; i < LLM_TASKS; i++) {
      llmTasks.add(submit(api, new JsonObject().put("tenant_id", TENANTS.get(i % 2)).put("task_type", "research")
          .put("task_params", new JsonObject().put("query", "question " + i))));
    }
    String failing = submit(api, new JsonObject().put("tenant_id", "acme").put("task_type", "probe").put("agent_type", "noop")
        .put("max_attempts", 1).put("task_params", new JsonObject().put("steps", 2).put("fail_at_step", 1)));
    String cancelled = submit(api, new JsonObject().put("tenant_id", "acme").put("task_type", "probe").put("agent_type", "noop")
        .put("task_params", new JsonObject().put("steps", 100).put("step_ms", 100)));
    assertThat(api.delete("/tasks/" + cancelled).status()).isEqualTo(200);
    // the worker starts once the API node's watcher has seen the queues: a worker that took every
    // task before a gauge refresh would leave the queue gauges with nothing to show
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(scrape(apiNode).families("sentinel_queue_depth")).as("seen while tasks were queued").isNotEmpty());
    SentinelProcess worker = start("metrics-worker", "worker", Map.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> worker.log().contains(" up: roles"));
    assertThat(new Http(worker.metricsPort()).get("/health").json().getBoolean("redis_connected")).isTrue();

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
        llmTasks.stream().allMatch(id -> "completed".equals(status(api, id))) && "failed".equals(status(api, failing)));

    // the worker-only node, on its management port (it has no API port)
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(scrape(worker).sum("sentinel_tasks_failed_total")).as("the failure is counted once its reply is in").isEqualTo(1));
    PrometheusText w = scrape(worker);
    Map<String, String> prompt = Map.of("agent_type", "prompt-based");
    assertThat(w.sum("sentinel_tasks_started_total", prompt)).isGreaterThanOrEqualTo(LLM_TASKS);
    assertThat(w.sum("sentinel_tasks_completed_total", Map.of("agent_type", "prompt-based", "task_type", "research")))
        .isEqualTo(LLM_TASKS);
    assertThat(w.sum("sentinel_tasks_failed_total", Map.of("agent_type", "noop", "task_type", "probe"))).isEqualTo(1);
    assertThat(w.sum("sentinel_steps_committed_total", prompt)).as("3 llm nodes per task").isEqualTo(3 * LLM_TASKS);
    assertThat(w.sum("sentinel_task_duration_seconds_count", Map.of("agent_type", "prompt-based", "outcome", "completed")))
        .isEqualTo(LLM_TASKS);
    assertThat(w.sum("sentinel_commit_seconds_count")).isGreaterThanOrEqualTo(3 * LLM_TASKS);
    assertThat(w.sum("sentinel_node_duration_seconds_count", Map.of("kind", "llm", "outcome", "ok"))).isEqualTo(3 * LLM_TASKS);
    assertThat(w.sum("sentinel_node_duration_seconds_count", Map.of("kind", "noop", "outcome", "error"))).isEqualTo(1);
    assertThat(w.sum("sentinel_claim_seconds_count")).isPositive();
    assertThat(w.sum("sentinel_lease_renew_seconds_count")).isPositive();
    assertThat(w.sum("sentinel_lease_renewals_total", Map.of("reply", "OK"))).as("leases renewed while calls ran").isPositive();
    assertThat(w.sum("sentinel_redis_command_seconds_count", Map.of("command", "commit_steps"))).isPositive();
    assertThat(w.sum("sentinel_event_loop_delay_seconds_count")).isPositive();

    // the LLM meters agree with the provider's own ledger
    List<OpenAiStub.Call> billed = stub.billed();
    assertThat(w.sum("sentinel_llm_calls_total", Map.of("outcome", "ok"))).isEqualTo(billed.size()).isEqualTo(3 * LLM_TASKS);
    assertThat(w.sum("sentinel_llm_tokens_total", Map.of("kind", "input")))
        .isEqualTo(billed.stream().mapToLong(c -> c.usage().input()).sum());
    assertThat(w.sum("sentinel_llm_tokens_total", Map.of("kind", "output")))
        .isEqualTo(billed.stream().mapToLong(c -> c.usage().output()).sum());
    assertThat(w.sum("sentinel_llm_cost_usd_total")).isPositive()
        .isCloseTo(stub.billedNanos() / 1e9, Offset.offset(1e-9));
    for (String tenant : TENANTS) {
      assertThat(w.sum("sentinel_llm_calls_total", Map.of("tenant", tenant))).as(tenant).isPositive();
    }
    assertThat(w.sum("sentinel_llm_call_seconds_count")).isEqualTo(billed.size());
    assertThat(w.sum("sentinel_llm_throttled_total")).as("the provider's 429").isEqualTo(1);
    assertThat(w.families("jvm_")).isNotEmpty();
    assertThat(w.families("vertx_pool")).isNotEmpty();
    assertThat(w.families("vertx_http_client")).as("the LLM calls, as Vert.x's HTTP client saw them").isNotEmpty();

    // the API node: submissions, cancels, HTTP, and the cluster-wide gauges its watcher reads
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(scrape(apiNode).sum("sentinel_tasks", Map.of("status", "completed"))).isEqualTo(LLM_TASKS));
    PrometheusText a = scrape(apiNode);
    assertThat(a.sum("sentinel_tasks_submitted_total", Map.of("agent_type", "prompt-based", "task_type", "research")))
        .isEqualTo(LLM_TASKS);
    assertThat(a.sum("sentinel_tasks_submitted_total")).isEqualTo(LLM_TASKS + 2);
    assertThat(a.sum("sentinel_tasks_cancelled_total", Map.of("agent_type", "noop"))).isEqualTo(1);
    assertThat(a.sum("vertx_http_server_requests_total", Map.of("route", "/tasks", "method", "POST", "code", "201")))
        .isEqualTo(LLM_TASKS + 2);
    assertThat(a.sum("sentinel_tasks", Map.of("status", "failed"))).isEqualTo(1);
    assertThat(a.sum("sentinel_tasks", Map.of("status", "cancelled"))).isEqualTo(1);
    assertThat(a.sum("sentinel_tasks_running")).isZero();
    assertThat(a.sum("sentinel_queue_depth")).as("the emptied queues read 0").isZero();

    // the API port serves the same page (no keys configured: open, on loopback)
    Http.Reply onApiPort = api.get("/metrics");
    assertThat(onApiPort.status()).isEqualTo(200);
    assertThat(PrometheusText.parse(onApiPort.body()).sum("sentinel_tasks_submitted_total")).isEqualTo(LLM_TASKS + 2);

    theReadmeListsExactlyTheScrapedFamilies(w, a);
    // every series the Grafana dashboard charts is in these scrapes, but for the rate-limit panel's (tested below)
    Set<String> scraped = scrapedSeries(w, a);
    for (String series : dashboardSeries()) {
      if (!family(series).equals(RATE_LIMIT_WAITS)) assertThat(scraped).as("the dashboard queries " + series).contains(series);
    }
  }

  /** The dashboard's rate-limit panel, which the run above does not provoke: a model limit the calls run into. */
  @Test void callsThatRunIntoAModelLimitShowOnTheDashboardsRateLimitPanel(@TempDir Path dir) throws IOException {
    Path conf = Files.writeString(dir.resolve("limits.yaml"), "llm:\n  models:\n    gpt-4o-mini: {rpm: 30}\n");
    int port = RedisServerProcess.freePort();
    SentinelProcess apiNode = start("metrics-limited-api", "api", Map.of("SENTINEL_HTTP_PORT", String.valueOf(port)));
    SentinelProcess worker = start("metrics-limited-worker", "worker", Map.of(), conf);
    Http api = new Http(port);
    // a node that died says why at once; a slow start on a loaded machine gets a minute
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      assertThat(apiNode.isAlive()).as(apiNode.log()).isTrue();
      return api.isUp();
    });
    // 30 a minute with a burst of 3: of these tasks' first calls, made at once, some must wait
    for (int i = 0; i < 6; i++) {
      submit(api, new JsonObject().put("tenant_id", "acme").put("task_type", "research")
          .put("task_params", new JsonObject().put("query", "limited " + i)));
    }
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
        assertThat(scrape(worker).sum("sentinel_rate_limit_wait_seconds_count", Map.of("scope", "model"))).isPositive());
    Set<String> scraped = scrapedSeries(scrape(worker));
    assertThat(dashboardSeries().stream().filter(series -> family(series).equals(RATE_LIMIT_WAITS)))
        .isNotEmpty().allSatisfy(series -> assertThat(scraped).contains(series));
  }

  /**
   * The series names the provisioned dashboard's queries name (deploy/grafana/sentinel.json), a
   * histogram's {@code _bucket}/{@code _count} included: it must chart only what nodes export.
   */
  private static Set<String> dashboardSeries() {
    Set<String> queried = new TreeSet<>();
    JsonObject dashboard;
    try {
      dashboard = new JsonObject(Files.readString(Path.of("deploy/grafana/sentinel.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher m = Pattern.compile("\\b(sentinel_[a-z_]+|vertx_[a-z_]+|jvm_[a-z_]+)").matcher("");
    for (Object panel : dashboard.getJsonArray("panels")) {
      for (Object target : ((JsonObject) panel).getJsonArray("targets")) {
        m.reset(((JsonObject) target).getString("expr"));
        while (m.find()) queried.add(m.group(1));
      }
    }
    assertThat(queried).as("the dashboard's queries were read").hasSizeGreaterThan(15);
    return queried;
  }

  private static String family(String series) {
    return series.replaceAll("_(bucket|count|sum|max)$", "");
  }

  private static Set<String> scrapedSeries(PrometheusText... scrapes) {
    Set<String> series = new TreeSet<>();
    for (PrometheusText s : scrapes) s.samples().forEach(sample -> series.add(sample.name()));
    return series;
  }

  @Test void aSecondNodeOnATakenManagementPortExitsNamingTheSettingAndMinusOneStartsNone() {
    SentinelProcess first = start("metrics-first", "worker", Map.of());
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> new Http(first.metricsPort()).get("/health").status() == 200);
    SentinelProcess clash = start("metrics-clash", "worker", Map.of("SENTINEL_METRICS_PORT", String.valueOf(first.metricsPort())));
    assertThat(clash.waitFor(30)).as("the process exits by itself").isTrue();
    assertThat(clash.exitCode()).isEqualTo(1);
    assertThat(clash.log()).contains("management server cannot listen on 127.0.0.1:" + first.metricsPort())
        .contains("SENTINEL_METRICS_PORT");

    SentinelProcess none = start("metrics-none", "worker", Map.of("SENTINEL_METRICS_PORT", "-1"));
    await().atMost(Duration.ofSeconds(30)).until(() -> none.log().contains(" up: roles"));
    assertThat(none.log()).doesNotContain("management server");
    assertThat(new Http(first.metricsPort()).get("/health").status()).as("the first node kept its port").isEqualTo(200);
  }

  /** Every sentinel_* family scraped is in the README's table with its labels, and the table names nothing else. */
  private void theReadmeListsExactlyTheScrapedFamilies(PrometheusText... scrapes) {
    Map<String, Set<String>> documented = readmeMetrics();
    Map<String, Set<String>> scraped = new TreeMap<>();
    for (PrometheusText s : scrapes) {
      for (String family : s.families("sentinel_")) {
        // a histogram's _max is a gauge family of its own in the text format
        if (family.endsWith("_max") && "histogram".equals(s.types().get(family.substring(0, family.length() - 4)))) continue;
        scraped.computeIfAbsent(family, f -> new TreeSet<>()).addAll(s.labelNames(family));
      }
    }
    Map<String, Set<String>> undocumented = new TreeMap<>(scraped);
    undocumented.keySet().removeAll(documented.keySet());
    assertThat(undocumented).as("scraped but not in the README's Operating Sentinel table").isEmpty();
    for (Map.Entry<String, Set<String>> e : scraped.entrySet()) {
      assertThat(e.getValue()).as("labels of " + e.getKey() + " (README vs scrape)").isEqualTo(documented.get(e.getKey()));
    }
    Set<String> unseen = new TreeSet<>(documented.keySet());
    unseen.removeAll(scraped.keySet());
    assertThat(unseen).as("in the README but in no scrape (a renamed or removed metric?)").isSubsetOf(NOT_PROVOKED);
  }

  /** The rows of the README's metric table: name to label names. */
  static Map<String, Set<String>> readmeMetrics() {
    String readme;
    try {
      readme = Files.readString(Path.of("README.md"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String section = readme.substring(readme.indexOf("## Operating Sentinel"));
    Pattern row = Pattern.compile("^\\| `(sentinel_[a-z_]+)` \\| [a-z]+ \\|([^|]*)\\|", Pattern.MULTILINE);
    Map<String, Set<String>> out = new TreeMap<>();
    Matcher m = row.matcher(section);
    while (m.find()) {
      Set<String> labels = new LinkedHashSet<>();
      Matcher label = Pattern.compile("`([a-z_]+)`").matcher(m.group(2));
      while (label.find()) labels.add(label.group(1));
      out.put(m.group(1), new TreeSet<>(labels));
    }
    assertThat(out).as("the README's metric table was found").hasSizeGreaterThan(20);
    return out;
  }

  private static String submit(Http api, JsonObject task) {
    Http.Reply r = api.post("/tasks", task.encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("task_id");
  }

  private static String status(Http api, String id) {
    return api.get("/tasks/" + id).json().getString("status");
  }
}
