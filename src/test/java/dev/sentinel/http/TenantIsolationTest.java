package dev.sentinel.http;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Tenant isolation, generated from the route table: every operation of openapi.yaml is called
 * with another tenant's key against tenant alpha's task, costs, limits and keys, and must
 * answer as {@link #isolationTable()} says (404 for tasks, 403 for tenant resources and admin
 * operations, lists without alpha's tasks) and change nothing. An operation of the contract
 * without an entry in the table fails the test, and so does an entry without an operation.
 * Every operation that takes a key answers 401 without one or with an unknown one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantIsolationTest {

  private static final String ADMIN = "admin-" + UUID.randomUUID();
  private static final String GARBAGE_KEY = "snt_" + UUID.randomUUID().toString().replace("-", "");
  private static final String ALPHA = "alpha";
  private static final String BETA = "beta";
  private static final String ALPHA_TYPE = "alpha-report";
  private static final String ALPHA_BODY =
      "{\"tenant_id\":\"alpha\",\"task_type\":\"" + ALPHA_TYPE + "\",\"agent_type\":\"noop\",\"task_params\":{\"steps\":2}}";
  private static final String BETA_BODY =
      "{\"tenant_id\":\"beta\",\"task_type\":\"beta-report\",\"agent_type\":\"noop\",\"task_params\":{\"steps\":2}}";
  /** The Idempotency-Key alpha submitted its task with. */
  private static final String ALPHA_IDEMPOTENCY_KEY = "order-" + UUID.randomUUID();
  private static final List<String> STATUSES =
      List.of("queued", "scheduled", "leased", "in_progress", "retrying", "waiting", "completed", "failed", "cancelled");
  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

  /** One operation of the contract. */
  record Op(String id, String method, String path, boolean needsKey) {
    @Override public String toString() { return id + " (" + method + " " + path + ")"; }
  }

  /** What another tenant's key must get from one operation; query and body make a valid request. */
  @FunctionalInterface interface Check { void run(Probe p); }

  record Entry(String rule, String query, String body, Check crossTenant) {}

  private RedisServerProcess redis;
  private TestNode node;
  private StoreFixture raw;
  private Http anonymous;
  private Http admin;
  private Http alpha;
  private Http beta;
  private String alphaKeyId;
  private String betaKeyId;
  private String alphaTask;
  private JsonObject alphaTaskBefore;
  private long alphaEventsBefore;
  private Map<String, String> alphaLimitBefore;
  /** Tasks beta submitted legitimately (for its own tenant) during the test. */
  private final List<String> betaTasks = new ArrayList<>();
  private List<Op> contract;
  private Map<String, Entry> table;

  @BeforeAll void start() {
    contract = contractOperations();
    table = isolationTable();
    redis = RedisServerProcess.start();
    node = new TestNode(redis.url(), "", "http: {port: 0}\n" + TestNode.adminKeyYaml(ADMIN));
    anonymous = node.startApi();
    admin = anonymous.withKey(ADMIN);
    raw = new StoreFixture(node.vertx, redis.url(), "");

    JsonObject alphaKey = ok(admin.post("/admin/api-keys", "{\"tenant_id\":\"alpha\",\"name\":\"alpha backend\"}"), 201).json();
    JsonObject betaKey = ok(admin.post("/admin/api-keys", "{\"tenant_id\":\"beta\",\"name\":\"beta backend\"}"), 201).json();
    assertThat(alphaKey.getString("tenant_id")).isEqualTo(ALPHA);
    assertThat(betaKey.getString("tenant_id")).isEqualTo(BETA);
    alpha = anonymous.withKey(alphaKey.getString("api_key"));
    beta = anonymous.withKey(betaKey.getString("api_key"));
    alphaKeyId = alphaKey.getString("key_id");
    betaKeyId = betaKey.getString("key_id");

    JsonObject task = ok(alpha.post("/tasks", ALPHA_BODY, Map.of("Idempotency-Key", ALPHA_IDEMPOTENCY_KEY)), 201).json();
    alphaTask = task.getString("task_id");
    assertThat(task.getString("tenant_id")).isEqualTo(ALPHA);
    assertThat(task.getString("status")).isEqualTo("queued");
    ok(admin.post("/tenants/alpha/rate-limit?capacity=10&refill_rate=1", null), 200);

    alphaTaskBefore = ok(admin.get("/tasks/" + alphaTask), 200).json();
    // 0 while the task waits (its history starts at the first claim); a cancel or claim would add a record
    alphaEventsBefore = raw.cmd(Command.LLEN, raw.keys.history(alphaTask)).toLong();
    alphaLimitBefore = hash(raw.keys.rateLimitSettings(ALPHA));
    assertThat(alphaLimitBefore).isNotEmpty();
  }

  @AfterAll void stop() {
    try {
      if (raw != null) raw.close();
      if (node != null) node.close();   // also fails the class if a response broke openapi.yaml
    } finally {
      if (redis != null) redis.close();
    }
  }

  // ---------------------------------------------------------------- the route table

  @Test @Order(1) void everyOperationOfTheContractHasAnIsolationEntryAndNoEntryIsStale() {
    Set<String> operations = new TreeSet<>();
    contract.forEach(op -> operations.add(op.id()));
    Set<String> missing = new TreeSet<>(operations);
    missing.removeAll(table.keySet());
    Set<String> stale = new TreeSet<>(table.keySet());
    stale.removeAll(operations);
    assertThat(missing)
        .as("operations of openapi.yaml without a tenant-isolation entry in TenantIsolationTest.isolationTable(): %s",
            contract.stream().filter(op -> missing.contains(op.id())).toList())
        .isEmpty();
    assertThat(stale).as("isolation entries for operations openapi.yaml does not have").isEmpty();
    assertThat(contract).as("the contract's operations").hasSizeGreaterThanOrEqualTo(19);
  }

  /**
   * The matrix: what tenant beta's key gets from every operation when aimed at tenant alpha.
   * Task paths name alpha's task, tenant paths alpha, key paths alpha's key.
   */
  private Map<String, Entry> isolationTable() {
    Map<String, Entry> t = new LinkedHashMap<>();
    t.put("submitTask", new Entry("403 for a body naming another tenant, also replaying that tenant's Idempotency-Key",
        "", ALPHA_BODY, p -> {
          assertThat(problem(p.beta(), 403).json().getString("detail")).contains("tenant");
          Http.Reply replay = p.send(beta, "", ALPHA_BODY, Map.of("Idempotency-Key", ALPHA_IDEMPOTENCY_KEY), Map.of());
          problem(replay, 403);
          assertThat(replay.body()).doesNotContain(alphaTask);
          assertThat(tenantTaskCount(ALPHA)).as("alpha's tasks").isEqualTo(1);
          // Idempotency-Keys are per tenant: alpha's key neither replays alpha's task nor conflicts with it
          Http.Reply own = p.send(beta, "", BETA_BODY, Map.of("Idempotency-Key", ALPHA_IDEMPOTENCY_KEY), Map.of());
          assertThat(own.status()).as(own.body()).isEqualTo(201);
          assertThat(own.body()).doesNotContain(alphaTask);
          assertThat(own.json().getString("tenant_id")).isEqualTo(BETA);
          betaTasks.add(own.json().getString("task_id"));
          assertThat(tenantTaskCount(BETA)).as("beta's tasks").isEqualTo(betaTasks.size());
          alphaUnchanged();
        }));
    t.put("listTasks", new Entry("200 with the key's own tenant only, whatever the filters; ?tenant_id=alpha 403",
        "", null, p -> {
          long createdMs = Instant.parse(alphaTaskBefore.getString("created_at")).toEpochMilli();
          Map<String, Integer> queries = new LinkedHashMap<>();
          queries.put("", betaTasks.size());
          queries.put("status_filter=queued", betaTasks.size());
          queries.put("agent_type=noop", betaTasks.size());
          queries.put("task_type=" + ALPHA_TYPE, 0);
          queries.put("limit=1000&offset=0", betaTasks.size());
          queries.put("tenant_id=beta", betaTasks.size());
          queries.put("cursor=" + (createdMs + 60_000) + ":" + alphaTask, null);
          queries.put("cursor=" + createdMs + ":" + alphaTask, null);
          queries.forEach((q, total) -> {
            Http.Reply r = ok(p.beta(q, null), 200);
            JsonArray tasks = r.json().getJsonArray("tasks");
            List<String> ids = tasks.stream().map(x -> ((JsonObject) x).getString("task_id")).toList();
            List<String> tenants = tasks.stream().map(x -> ((JsonObject) x).getString("tenant_id")).toList();
            assertThat(ids).as("GET /tasks?%s with beta's key", q).doesNotContain(alphaTask);
            assertThat(tenants).as("GET /tasks?%s with beta's key", q).allMatch(BETA::equals);
            assertThat(r.body()).as("GET /tasks?%s with beta's key", q).doesNotContain(ALPHA_TYPE);
            if (total != null) {
              assertThat(r.json().getInteger("total")).as("total of GET /tasks?%s with beta's key", q).isEqualTo(total);
              assertThat(ids).as("GET /tasks?%s with beta's key", q).containsExactlyInAnyOrderElementsOf(
                  total == 0 ? List.of() : betaTasks);
            }
          });
          problem(p.beta("tenant_id=alpha", null), 403);
          problem(p.beta("tenant_id=alpha&status_filter=queued", null), 403);
          problem(p.beta("tenant_id=Alpha", null), 403);
        }));
    t.put("getTask", new Entry("404, the same answer as for a task that does not exist", "", null,
        this::notFoundLikeAnUnknownTask));
    t.put("cancelTask", new Entry("404 like an unknown task, and the task stays queued", "", null, p -> {
      notFoundLikeAnUnknownTask(p);
      alphaUnchanged();
    }));
    t.put("getTaskSteps", new Entry("404 like an unknown task", "", null, this::notFoundLikeAnUnknownTask));
    t.put("getTaskCheckpoint", new Entry("404 like an unknown task, also for a step (the initial state is the params)",
        "", null, p -> {
          notFoundLikeAnUnknownTask(p);
          problem(p.send(beta, "step=0", null, Map.of(), Map.of()), 404);
        }));
    t.put("listTaskCheckpoints", new Entry("404 like an unknown task", "limit=5", null, this::notFoundLikeAnUnknownTask));
    t.put("replayTask", new Entry("404 like an unknown task (not 422, which would tell it exists); nothing is created",
        "", "{\"from_step\":0,\"task_params\":{\"steps\":1}}", p -> {
          long before = ok(admin.get("/stats"), 200).json().getLong("total_tasks");
          notFoundLikeAnUnknownTask(p);
          alphaUnchanged();
          assertThat(ok(admin.get("/stats"), 200).json().getLong("total_tasks")).as("tasks after beta's replays")
              .isEqualTo(before);
        }));
    t.put("getTaskCalls", new Entry("404 like an unknown task (no call records)", "", null, this::notFoundLikeAnUnknownTask));
    t.put("streamTaskEvents", new Entry("404 like an unknown task (no stream)", "", null, p -> {
      notFoundLikeAnUnknownTask(p);
      problem(p.send(beta, "", null, Map.of("Last-Event-ID", "0"), Map.of()), 404);
    }));
    t.put("retryTask", new Entry("404 like an unknown task (not 409, which would tell it exists); nothing changes",
        "", null, p -> {
          notFoundLikeAnUnknownTask(p);
          alphaUnchanged();
        }));
    t.put("provideTaskInput", new Entry("404 like an unknown task (not 409, which would tell it exists); nothing changes",
        "", "{\"data\":{\"approved\":true}}", p -> {
          notFoundLikeAnUnknownTask(p);
          alphaUnchanged();
        }));
    t.put("getStats", new Entry("200 with the key's own tenant's counts; ?tenant_id=alpha 403", "", null, p -> {
      for (String q : List.of("", "tenant_id=beta")) {
        JsonObject s = ok(p.beta(q, null), 200).json();
        assertThat(s.getString("tenant_id")).as("GET /stats?%s with beta's key", q).isEqualTo(BETA);
        assertThat(s.getInteger("total_tasks")).as("total_tasks of GET /stats?%s with beta's key", q)
            .isEqualTo(betaTasks.size());
        for (String status : STATUSES) {
          assertThat(s.getInteger(status)).as("%s of GET /stats?%s with beta's key", status, q)
              .isEqualTo(status.equals("queued") ? betaTasks.size() : 0);
        }
      }
      problem(p.beta("tenant_id=alpha", null), 403);
      assertThat(ok(admin.get("/stats?tenant_id=alpha"), 200).json().getInteger("total_tasks"))
          .as("alpha's own count, so the numbers above would show a leak").isEqualTo(1);
    }));
    t.put("getTenantCosts", new Entry("403 for another tenant; the key's own tenant 200", "", null, p -> {
      assertThat(problem(p.beta(), 403).body()).doesNotContain("task_count");
      JsonObject own = ok(p.send(beta, "", null, Map.of(), Map.of("tenant_id", BETA)), 200).json();
      assertThat(own.getString("tenant_id")).isEqualTo(BETA);
      assertThat(own.getLong("task_count")).isEqualTo(betaTasks.size());
    }));
    t.put("getRateLimit", new Entry("403 for another tenant (not its settings)", "", null, p -> {
      assertThat(problem(p.beta(), 403).body()).doesNotContain("capacity").doesNotContain("refill");
      // beta has none of its own: the defaults, as the seed answered
      assertThat(ok(p.send(beta, "", null, Map.of(), Map.of("tenant_id", BETA)), 200).json().getString("source"))
          .isEqualTo("default");
    }));
    t.put("setRateLimit", new Entry("403 (admin only), alpha's limit unchanged", "capacity=100000&refill_rate=5000", null, p -> {
      problem(p.beta(), 403);
      problem(p.send(beta, "capacity=100000&refill_rate=5000", null, Map.of(), Map.of("tenant_id", BETA)), 403);
      alphaLimitUnchanged();
      assertThat(hash(raw.keys.rateLimitSettings(BETA))).as("beta's own limit").isEmpty();
    }));
    t.put("deleteRateLimit", new Entry("403 (admin only), alpha's limit unchanged", "", null, p -> {
      problem(p.beta(), 403);
      problem(p.send(beta, "", null, Map.of(), Map.of("tenant_id", BETA)), 403);
      alphaLimitUnchanged();
    }));
    t.put("getTenantLimits", new Entry("403 for another tenant; the key's own tenant 200", "", null, p -> {
      assertThat(problem(p.beta(), 403).body()).doesNotContain("daily_budget");
      assertThat(ok(p.send(beta, "", null, Map.of(), Map.of("tenant_id", BETA)), 200).json().getString("tenant_id")).isEqualTo(BETA);
    }));
    t.put("putTenantLimits", new Entry("403 (admin only), for another tenant and for its own", "",
        "{\"daily_budget_usd\": 1000}", p -> {
          problem(p.beta(), 403);
          problem(p.send(beta, "", "{\"daily_budget_usd\": 1000}", Map.of(), Map.of("tenant_id", BETA)), 403);
          alphaLimitUnchanged();
          assertThat(hash("limits:tenant:" + BETA)).as("beta's limits").isEmpty();
        }));
    t.put("listWorkers", new Entry("403 (admin only)", "", null, p -> problem(p.beta(), 403)));
    // agent graphs are the deployment's, not a tenant's: readable by any key, naming no task or tenant
    t.put("listAgents", new Entry("200 (agent definitions are no tenant's data); names no task or tenant", "", null, p -> {
      Http.Reply r = ok(p.beta(), 200);
      assertThat(r.body()).contains("\"noop\"").doesNotContain(alphaTask).doesNotContain(ALPHA);
    }));
    t.put("getAgentVersion", new Entry("200 (the graph alpha's task is pinned to is no tenant's data); names no task or tenant",
        "", null, p -> {
          Http.Reply r = ok(p.beta(), 200);
          assertThat(r.json().getString("version")).isEqualTo(alphaTaskBefore.getString("agent_version"));
          assertThat(r.body()).doesNotContain(alphaTask).doesNotContain(ALPHA);
        }));
    t.put("getMetrics", new Entry("403 (admin only): the numbers span every tenant", "", null, p -> problem(p.beta(), 403)));
    t.put("health", new Entry("200 (public)", "", null, p -> {
      assertThat(ok(p.beta(), 200).json().getBoolean("redis_connected")).isTrue();
    }));
    t.put("ready", new Entry("200 (public)", "", null, p -> {
      assertThat(ok(p.beta(), 200).json().getString("status")).isEqualTo("ready");
    }));
    t.put("createApiKey", new Entry("403 (admin only): no key for another tenant, no admin key, no key at all",
        "", "{\"admin\":true,\"name\":\"escalation\"}", p -> {
          assertThat(problem(p.beta(), 403).body()).doesNotContain("api_key");
          problem(p.beta("", "{\"tenant_id\":\"alpha\"}"), 403);
          problem(p.beta("", "{\"tenant_id\":\"beta\"}"), 403);
          assertThat(raw.cmd(Command.HLEN, "auth:keys").toLong()).as("stored API keys").isEqualTo(2);
        }));
    t.put("listApiKeys", new Entry("403 (admin only)", "", null, p -> {
      Http.Reply r = problem(p.beta(), 403);
      assertThat(r.body()).doesNotContain(alphaKeyId).doesNotContain(betaKeyId);
    }));
    t.put("deleteApiKey", new Entry("403 (admin only), alpha's key keeps working", "", null, p -> {
      problem(p.beta(), 403);
      problem(p.send(beta, "", null, Map.of(), Map.of("key_id", betaKeyId)), 403);
      problem(p.send(beta, "", null, Map.of(), Map.of("key_id", "0123456789abcdef")), 403);
      ok(alpha.get("/tasks/" + alphaTask), 200);
      assertThat(raw.cmd(Command.HLEN, "auth:keys").toLong()).as("stored API keys").isEqualTo(2);
    }));
    return t;
  }

  // ---------------------------------------------------------------- the tests

  @Test @Order(2) void theOwnTenantAndTheAdminSeeTheTask() {
    JsonObject own = ok(alpha.get("/tasks/" + alphaTask), 200).json();
    assertThat(own.getString("tenant_id")).isEqualTo(ALPHA);
    assertThat(ok(admin.get("/tasks/" + alphaTask), 200).json().getString("task_id")).isEqualTo(alphaTask);
    assertThat(ok(alpha.get("/tasks/" + alphaTask + "/steps"), 200).json().getJsonArray("steps")).isEmpty();
    assertThat(ok(alpha.get("/tasks/" + alphaTask + "/checkpoint"), 200).json().getValue("checkpoint")).isNull();
    problem(alpha.post("/tasks/" + alphaTask + "/retry", null), 409);   // exists for alpha; beta gets 404
    assertThat(ids(ok(alpha.get("/tasks"), 200).json())).containsExactly(alphaTask);
    assertThat(ids(ok(admin.get("/tasks?tenant_id=alpha"), 200).json())).containsExactly(alphaTask);
    assertThat(ok(alpha.get("/stats"), 200).json().getInteger("total_tasks")).isEqualTo(1);
    assertThat(ok(alpha.get("/tenants/alpha/costs"), 200).json().getLong("task_count")).isEqualTo(1);
    JsonObject limit = ok(alpha.get("/tenants/alpha/rate-limit"), 200).json();
    assertThat(limit.getLong("capacity")).isEqualTo(10);
    assertThat(limit.getDouble("refill_rate")).isEqualTo(1.0);
    ok(admin.get("/tenants/alpha/rate-limit"), 200);
  }

  /** Every operation that takes a key: none, or an unknown one, is a 401; public ones answer without a key. */
  @TestFactory @Order(3) Stream<DynamicTest> withoutAValidKeyEveryProtectedOperationIs401() {
    return contract.stream().map(op -> DynamicTest.dynamicTest(op + (op.needsKey() ? ": 401" : ": public"), () -> {
      Entry e = table.get(op.id());
      String query = e == null ? "" : e.query();
      String body = e == null ? null : e.body();
      if (op.id().equals("submitTask")) body = BETA_BODY;   // a valid request for a tenant, had it been let in
      Probe p = new Probe(op, e);
      if (!op.needsKey()) {
        ok(p.send(anonymous, query, body, Map.of(), Map.of()), 200);
        return;
      }
      List<Http.Reply> replies = List.of(
          p.send(anonymous, query, body, Map.of(), Map.of()),
          p.send(anonymous.withKey(GARBAGE_KEY), query, body, Map.of(), Map.of()),
          p.send(anonymous, query, body, Map.of("X-API-Key", GARBAGE_KEY), Map.of()),
          p.send(anonymous, query, body, Map.of("Authorization", "Basic " + GARBAGE_KEY), Map.of()));
      for (Http.Reply r : replies) {
        try {
          problem(r, 401);
        } catch (AssertionError failure) {
          throw new AssertionError(op + " without a valid key (" + r.raw().request().headers().map().keySet() + "): "
              + failure.getMessage(), failure);
        }
        assertThat(r.header("WWW-Authenticate")).as("WWW-Authenticate of a 401 from %s", op).isNotBlank();
      }
      if (e == null) fail("no isolation entry for " + op + " (the request above had no query or body)");
    }));
  }

  /** The matrix: one dynamic test per operation of the contract, with beta's key against alpha's resources. */
  @TestFactory @Order(4) Stream<DynamicTest> anotherTenantsKeySeesAndTouchesNothing() {
    return contract.stream().map(op -> {
      Entry e = table.get(op.id());
      return DynamicTest.dynamicTest(op + ": " + (e == null ? "NO ENTRY" : e.rule()), () -> {
        if (e == null) {
          fail("openapi.yaml has " + op + " but TenantIsolationTest.isolationTable() has no entry for it:"
              + " say what another tenant's key must get from it");
        }
        try {
          e.crossTenant().run(new Probe(op, e));
        } catch (AssertionError failure) {
          throw new AssertionError(op + " with tenant beta's key on tenant alpha: " + failure.getMessage(), failure);
        }
      });
    });
  }

  @Test @Order(5) void refusedRequestsChangedNothing() {
    alphaUnchanged();
    alphaLimitUnchanged();
    assertThat(tenantTaskCount(ALPHA)).as("alpha's tasks").isEqualTo(1);
    assertThat(tenantTaskCount(BETA)).as("beta's tasks").isEqualTo(betaTasks.size());
    assertThat(raw.cmd(Command.HGET, raw.keys.counts(), "total").toLong()).as("all tasks").isEqualTo(1 + betaTasks.size());
    assertThat(ids(ok(admin.get("/tasks?tenant_id=beta"), 200).json())).containsExactlyInAnyOrderElementsOf(betaTasks);
    Set<String> tenants = new TreeSet<>();
    for (Response t : raw.cmd(Command.SMEMBERS, raw.keys.tenants())) tenants.add(t.toString());
    for (Response k : raw.cmd(Command.KEYS, raw.keys.tenantTasks("*"))) tenants.add(k.toString().split(":")[1]);
    for (Response k : raw.cmd(Command.KEYS, raw.keys.tenantCounts("*"))) tenants.add(k.toString().split(":")[1]);
    assertThat(tenants).as("tenants with tasks").isSubsetOf(ALPHA, BETA);
    assertThat(hash(raw.keys.rateLimitSettings(BETA))).as("beta's rate limit").isEmpty();
    JsonArray keys = ok(admin.get("/admin/api-keys"), 200).json().getJsonArray("keys");
    assertThat(keys.stream().map(k -> ((JsonObject) k).getString("key_id")).toList())
        .containsExactlyInAnyOrder(alphaKeyId, betaKeyId);
    assertThat(keys.stream().map(k -> ((JsonObject) k).getBoolean("admin")).toList()).containsOnly(false);
    ok(alpha.get("/tasks/" + alphaTask), 200);
    ok(beta.get("/tasks"), 200);
  }

  // ---------------------------------------------------------------- helpers

  /** Sends one operation, with its path parameters aimed at alpha unless overridden. */
  final class Probe {
    final Op op;
    final Entry entry;

    Probe(Op op, Entry entry) {
      this.op = op;
      this.entry = entry;
    }

    Http.Reply beta() { return send(TenantIsolationTest.this.beta, entry.query(), entry.body(), Map.of(), Map.of()); }

    Http.Reply beta(String query, String body) {
      return send(TenantIsolationTest.this.beta, query, body, Map.of(), Map.of());
    }

    Http.Reply send(Http client, String query, String body, Map<String, String> headers, Map<String, String> params) {
      String path = path(params) + (query == null || query.isEmpty() ? "" : "?" + query);
      return client.send(op.method(), path, body, headers);
    }

    String path(Map<String, String> overrides) {
      Map<String, String> values = new HashMap<>(Map.of("task_id", alphaTask, "tenant_id", ALPHA, "key_id", alphaKeyId,
          "agent", "noop", "version", alphaTaskBefore.getString("agent_version")));
      values.putAll(overrides);
      Matcher m = PATH_PARAM.matcher(op.path());
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String v = values.get(m.group(1));
        if (v == null) fail("no value for path parameter {" + m.group(1) + "} of " + op + ": add one to Probe.path");
        m.appendReplacement(out, Matcher.quoteReplacement(v));
      }
      m.appendTail(out);
      return out.toString();
    }
  }

  /** Alpha's task answers beta exactly as a task that does not exist (only the id differs). */
  private void notFoundLikeAnUnknownTask(Probe p) {
    Http.Reply theirs = problem(p.beta(), 404);
    String unknown = "no-such-task-" + UUID.randomUUID();
    Http.Reply none = problem(p.send(beta, p.entry.query(), p.entry.body(), Map.of(), Map.of("task_id", unknown)), 404);
    assertThat(theirs.body().replace(alphaTask, "<id>"))
        .as("%s on another tenant's task must look like one on an unknown task", p.op)
        .isEqualTo(none.body().replace(unknown, "<id>"));
    assertThat(theirs.body()).doesNotContain(ALPHA).doesNotContain(ALPHA_TYPE).doesNotContain("queued");
  }

  /** Alpha's task is as submitted: queued, same epoch, same everything, no new event. */
  private void alphaUnchanged() {
    JsonObject now = ok(admin.get("/tasks/" + alphaTask), 200).json();
    assertThat(now.getString("status")).as("status of alpha's task").isEqualTo("queued");
    assertThat(now.getInteger("epoch")).as("epoch of alpha's task").isEqualTo(alphaTaskBefore.getInteger("epoch"));
    assertThat(now).as("alpha's task").isEqualTo(alphaTaskBefore);
    assertThat(raw.cmd(Command.LLEN, raw.keys.history(alphaTask)).toLong()).as("events of alpha's task")
        .isEqualTo(alphaEventsBefore);
  }

  private void alphaLimitUnchanged() {
    assertThat(hash(raw.keys.rateLimitSettings(ALPHA))).as("alpha's stored rate limit").isEqualTo(alphaLimitBefore);
    JsonObject limit = ok(admin.get("/tenants/alpha/rate-limit"), 200).json();
    assertThat(limit.getLong("capacity")).isEqualTo(10);
    assertThat(limit.getDouble("refill_rate")).isEqualTo(1.0);
  }

  private long tenantTaskCount(String tenant) {
    long listed = raw.cmd(Command.ZCARD, raw.keys.tenantTasks(tenant)).toLong();
    Response counted = raw.cmd(Command.HGET, raw.keys.tenantCounts(tenant), "total");
    assertThat(counted == null ? 0 : counted.toLong()).as("counts:%s total", tenant).isEqualTo(listed);
    return listed;
  }

  private Map<String, String> hash(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    Response fields = raw.cmd(Command.HKEYS, key);
    if (fields == null) return out;
    for (Response f : fields) out.put(f.toString(), String.valueOf(raw.cmd(Command.HGET, key, f.toString())));
    return out;
  }

  private static List<String> ids(JsonObject list) {
    return list.getJsonArray("tasks").stream().map(x -> ((JsonObject) x).getString("task_id")).toList();
  }

  private static String request(Http.Reply r) {
    return r.raw().request().method() + " " + r.raw().request().uri().getRawPath()
        + (r.raw().request().uri().getRawQuery() == null ? "" : "?" + r.raw().request().uri().getRawQuery());
  }

  private static Http.Reply ok(Http.Reply r, int status) {
    assertThat(r.status()).as("status of %s (body: %s)", request(r), r.body()).isEqualTo(status);
    return r;
  }

  /** An error as the contract says: problem+json with the status and a detail, no stack trace. */
  private static Http.Reply problem(Http.Reply r, int status) {
    assertThat(r.status()).as("status of %s (body: %s)", request(r), r.body()).isEqualTo(status);
    assertThat(r.header("content-type")).as("content-type of %s", request(r)).startsWith("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getString("detail")).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    return r;
  }

  /** The route table: every operation of openapi.yaml, in the contract's order. */
  @SuppressWarnings("unchecked")
  private static List<Op> contractOperations() {
    Path file = Path.of("openapi.yaml");
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the contract " + file.toAbsolutePath(), e);
    }
    Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    List<Object> global = (List<Object>) doc.getOrDefault("security", List.of());
    Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
    List<Op> ops = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    paths.forEach((path, item) -> ((Map<String, Object>) item).forEach((method, value) -> {
      if (!HTTP_METHODS.contains(method)) return;
      Map<String, Object> op = (Map<String, Object>) value;
      String id = (String) op.get("operationId");
      assertThat(id).as("operationId of %s %s", method, path).isNotBlank();
      assertThat(seen.add(id)).as("operationId %s is unique", id).isTrue();
      List<Object> security = (List<Object>) op.getOrDefault("security", global);
      ops.add(new Op(id, method.toUpperCase(), path, !security.isEmpty()));
    }));
    return ops;
  }
}
