package dev.sentinel.http;

import dev.sentinel.http.fuzz.AnswerChecks;
import dev.sentinel.http.fuzz.ContractModel;
import dev.sentinel.http.fuzz.ContractRequests;
import dev.sentinel.http.fuzz.ContractRequests.FieldCase;
import dev.sentinel.http.fuzz.ContractRequests.OperationCases;
import dev.sentinel.http.fuzz.Expected;
import dev.sentinel.http.fuzz.FuzzClient;
import dev.sentinel.http.fuzz.FuzzRequest;
import dev.sentinel.http.fuzz.Findings;
import dev.sentinel.http.fuzz.RandomRequests;
import dev.sentinel.http.fuzz.SeededData;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.KeyspaceSnapshot;
import dev.sentinel.testing.RawHttpClient.Answer;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A fuzz test of the HTTP API, in two parts. The random one: thousands of seeded random
 * requests built to be refused ({@link RandomRequests}) against every operation of openapi.yaml,
 * plus unknown paths and wrong methods, with and without keys. The systematic one: every
 * parameter and body field of every operation, given explicit null, each JSON type and each
 * boundary of its schema ({@link ContractRequests}), each request judged by what the schema says
 * of it. Both demand zero 5xx, a problem+json document for every 4xx, no stack trace in any
 * answer, and no change in Redis from a refused request ({@link KeyspaceSnapshot}).
 *
 * <p>Redis is seeded first through the API (tasks of two tenants, one with an Idempotency-Key,
 * one scheduled; a tenant key; a rate limit), so the snapshot covers real data; no workers or
 * watcher run, so nothing changes by itself.
 *
 * <p>The run is reproducible: the seed is printed and can be set with
 * {@code -Dsentinel.fuzz.seed=N}; {@code -Dsentinel.fuzz.requests=N} changes the count.
 */
class HttpFuzzTest {

  private static final String ADMIN_KEY = "fuzz-admin-key-7c1e44f09b";
  private static final long SEED = Long.getLong("sentinel.fuzz.seed", 20261127L);
  private static final int REQUESTS = Integer.getInteger("sentinel.fuzz.requests", 4000);
  private static final int ANSWER_WITHIN_MS = 6_000;
  private static final int SHOWN = 20;
  /** -Dsentinel.fuzz.trace=true prints every request of the contract part with its answer. */
  private static final boolean TRACE = Boolean.getBoolean("sentinel.fuzz.trace");

  private RedisServerProcess redis;
  private TestNode node;
  private StoreFixture redisView;
  private int port;
  private SeededData seeded;

  @BeforeEach void start() {
    redis = RedisServerProcess.start();
    node = new TestNode(redis.url(), "", "http: {port: 0}\n" + TestNode.adminKeyYaml(ADMIN_KEY));
    Http api = node.startApi();
    port = api.port();
    redisView = new StoreFixture(node.vertx, redis.url(), "");
    seeded = seed(api.withKey(ADMIN_KEY));
  }

  @AfterEach void stop() {
    if (redisView != null) redisView.close();
    try {
      if (node != null) node.close();
    } finally {
      if (redis != null) redis.close();
    }
  }

  /** Real data for the snapshot to cover, created the normal way. */
  private static SeededData seed(Http admin) {
    List<String> acmeTasks = new ArrayList<>();
    List<String> otherTasks = new ArrayList<>();
    acmeTasks.add(submit(admin, "{\"tenant_id\":\"acme\",\"task_type\":\"report\",\"agent_type\":\"noop\","
        + "\"task_params\":{\"steps\":3,\"step_ms\":10}}", Map.of()));
    acmeTasks.add(submit(admin, "{\"tenant_id\":\"acme\",\"task_type\":\"report\",\"agent_type\":\"noop\","
        + "\"task_params\":{\"steps\":2,\"note\":\"caf\u00e9 \u65e5\u672c\"},\"priority\":5,\"cost_limit\":0.5,"
        + "\"max_attempts\":4}", Map.of("Idempotency-Key", "fuzz-seed-1")));
    acmeTasks.add(submit(admin, "{\"tenant_id\":\"acme\",\"task_type\":\"later\",\"agent_type\":\"noop\","
        + "\"run_at\":\"2099-01-01T00:00:00Z\"}", Map.of()));
    otherTasks.add(submit(admin, "{\"tenant_id\":\"globex\",\"task_type\":\"crawl\",\"agent_type\":\"noop\"}", Map.of()));
    otherTasks.add(submit(admin, "{\"tenant_id\":\"globex\",\"task_type\":\"crawl\",\"agent_type\":\"noop\","
        + "\"task_params\":{\"steps\":7}}", Map.of()));
    Http.Reply key = admin.post("/admin/api-keys", "{\"tenant_id\":\"acme\",\"name\":\"fuzz tenant key\"}");
    assertThat(key.status()).as(key.body()).isEqualTo(201);
    Http.Reply limit = admin.post("/tenants/acme/rate-limit?capacity=100&refill_rate=10", null);
    assertThat(limit.status()).as(limit.body()).isEqualTo(200);
    assertThat(admin.get("/tasks/" + acmeTasks.get(0)).json().getString("status")).isEqualTo("queued");
    assertThat(admin.get("/tasks/" + acmeTasks.get(2)).json().getString("status")).isEqualTo("scheduled");
    return new SeededData(ADMIN_KEY, acmeTasks, otherTasks, key.json().getString("api_key"), key.json().getString("key_id"));
  }

  private static String submit(Http admin, String body, Map<String, String> headers) {
    Http.Reply r = admin.post("/tasks", body, headers);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("task_id");
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void thousandsOfMalformedRequestsGetNo5xxOnlyProblemDocumentsAndChangeNothingInRedis() {
    long dbsizeBefore = redisView.cmd(Command.DBSIZE).toLong();
    KeyspaceSnapshot before = KeyspaceSnapshot.take(redisView.redis);
    String digestBefore = KeyspaceSnapshot.debugDigest(redisView.redis);
    System.out.println("HttpFuzzTest: seed " + SEED + " (-Dsentinel.fuzz.seed=" + SEED + "), " + REQUESTS
        + " requests, Redis holds " + dbsizeBefore + " keys" + (digestBefore == null ? " (DEBUG DIGEST not allowed:"
        + " comparing SCAN + DUMP + contents)" : ", DEBUG DIGEST " + digestBefore));

    RandomRequests requests = new RandomRequests(SEED, seeded);
    FuzzClient client = new FuzzClient(port, ANSWER_WITHIN_MS);
    Findings findings = new Findings("HttpFuzzTest");
    Map<String, Integer> byOp = new TreeMap<>();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    int raw = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < REQUESTS; i++) {
      FuzzRequest req = requests.next();
      if (req.raw()) raw++;
      byOp.merge(req.op(), 1, Integer::sum);
      Answer res;
      try {
        res = client.send(req);
      } catch (RuntimeException e) {
        findings.add("requests without a complete answer within " + ANSWER_WITHIN_MS + " ms (hang, reset)",
            AnswerChecks.describe(i, req, null) + " -> " + e.getMessage());
        continue;
      }
      byStatus.merge(res.status(), 1, Integer::sum);
      String where = AnswerChecks.describe(i, req, res);
      if (res.status() >= 500) findings.add("responses with status >= 500", where);
      if (req.mutating() && res.status() < 400) {
        findings.add("mutating requests accepted (2xx/3xx) although every one was built to be refused", where);
      }
      if (res.status() >= 400 && res.status() < 500) {
        String why = AnswerChecks.problemViolation(req, res);
        if (why != null) findings.add("4xx responses that are not a problem+json document with status and detail",
            where + "\n      (" + why + ")");
      }
      if (AnswerChecks.looksLikeStackTrace(res)) findings.add("responses containing a stack trace", where);
    }
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

    System.out.println("HttpFuzzTest: " + REQUESTS + " requests (" + raw + " over a raw socket) in " + elapsedMs
        + " ms; by status " + byStatus + "; by operation " + byOp);
    findings.print();

    // the server is still up and Redis is exactly as before
    Http.Reply health = new Http(port).get("/health");
    long dbsizeAfter = redisView.cmd(Command.DBSIZE).toLong();
    KeyspaceSnapshot after = KeyspaceSnapshot.take(redisView.redis);
    String digestAfter = KeyspaceSnapshot.debugDigest(redisView.redis);

    StringBuilder problems = new StringBuilder(findings.summary(SHOWN));
    if (health.status() != 200) problems.append("\nGET /health after the fuzz answered ").append(health.status())
        .append(": ").append(health.body()).append('\n');
    if (dbsizeAfter != dbsizeBefore || !after.equals(before) || (digestBefore != null && !digestBefore.equals(digestAfter))) {
      problems.append("\nRedis changed: DBSIZE ").append(dbsizeBefore).append(" -> ").append(dbsizeAfter)
          .append(digestBefore == null ? "" : ", DEBUG DIGEST " + digestBefore + " -> " + digestAfter)
          .append('\n').append(before.describeDiff(after, SHOWN));
    }
    if (problems.length() > 0) {
      fail("HTTP fuzz (seed " + SEED + ", " + REQUESTS + " requests) found problems:\n" + problems);
    }
    assertThat(after).isEqualTo(before);
  }

  /**
   * Every field of every operation, one value at a time: explicit null, each JSON type, each
   * boundary of its schema, left out, plus unknown and server-owned fields (see
   * {@link ContractRequests}). Beyond the invariants of the random fuzz: a value the contract
   * forbids is refused (a 2xx is a finding), a 422 names the field, a value the contract allows
   * is never refused with a 422 naming it, and an unknown field that is ignored is named in
   * Sentinel-Ignored-Fields. Accepted requests may change Redis, so the snapshot a request is
   * compared with is the one taken right after the request before it.
   */
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void everyFieldOfEveryOperationGetsNullEachTypeAndEachBoundaryAndTheAnswerFollowsTheContract() {
    // the contract's examples, except: tenants of their own (acme has the seed's rate limit, so
    // submissions there could answer 429 and tell nothing about the field), and for the event
    // stream a task that exists, so its Last-Event-ID is read
    ContractRequests.Bases bases = new ContractRequests.Bases()
        .param("path", "tenant_id", "fuzz-tenant")
        .param("streamTaskEvents", "path", "task_id", seeded.acmeTasks().get(0))
        .body("submitTask", new JsonObject().put("tenant_id", "fuzz-submit").put("task_type", "demo").put("agent_type", "noop")
            .put("task_params", new JsonObject().put("steps", 5)))
        .rule(new ContractRequests.Rule("createApiKey", "tenant_id", "either tenant_id or admin: true",
            b -> (b.getValue("tenant_id") != null) != Boolean.TRUE.equals(b.getValue("admin"))));
    ContractModel contract = ContractModel.load();
    List<OperationCases> all = new ContractRequests(contract, ADMIN_KEY, bases, SEED).all();
    FuzzClient client = new FuzzClient(port, ANSWER_WITHIN_MS);
    Findings findings = new Findings("HttpFuzzTest (contract)");
    Map<String, Map<Expected, Integer>> byExpected = new LinkedHashMap<>();
    Map<String, Map<Integer, Integer>> byStatus = new LinkedHashMap<>();
    KeyspaceSnapshot before = KeyspaceSnapshot.take(redisView.redis);
    int sent = 0;
    long snapshotNanos = 0;
    long t0 = System.nanoTime();
    for (OperationCases oc : all) {
      for (FieldCase c : oc.cases()) {
        int i = sent++;
        byExpected.computeIfAbsent(oc.operation().id(), k -> new TreeMap<>()).merge(c.expected(), 1, Integer::sum);
        Answer res;
        try {
          res = client.send(c.request());
        } catch (RuntimeException e) {
          findings.add("requests without a complete answer within " + ANSWER_WITHIN_MS + " ms (hang, reset)",
              AnswerChecks.describe(i, c.request(), null) + " " + what(c) + " -> " + e.getMessage());
          before = KeyspaceSnapshot.take(redisView.redis);
          continue;
        }
        byStatus.computeIfAbsent(oc.operation().id(), k -> new TreeMap<>()).merge(res.status(), 1, Integer::sum);
        String where = AnswerChecks.describe(i, c.request(), res) + "\n      " + what(c);
        if (TRACE) System.out.println("HttpFuzzTest (contract): " + where);
        check(c, res, oc.operation(), where, findings);
        long s0 = System.nanoTime();
        KeyspaceSnapshot after = KeyspaceSnapshot.take(redisView.redis);
        snapshotNanos += System.nanoTime() - s0;
        boolean mayChange = c.request().mutating() && res.status() < 400;
        if (!mayChange && !after.equals(before)) {
          findings.add(res.status() >= 400 ? "refused requests that changed Redis" : "reads that changed Redis",
              where + "\n" + before.describeDiff(after, 10));
        }
        before = after;
      }
    }
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

    System.out.println("HttpFuzzTest (contract): seed " + SEED + ", " + sent + " requests from openapi.yaml in " + elapsedMs
        + " ms, each followed by a keyspace snapshot (" + snapshotNanos / 1_000_000 + " ms of it, " + before.size()
        + " keys at the end); by operation (expected: requests; status: answers):");
    byExpected.forEach((op, expected) -> System.out.println("  " + op + ": " + expected.values().stream().mapToInt(Integer::intValue).sum()
        + " requests " + expected + "; " + byStatus.getOrDefault(op, Map.of())));
    findings.print();

    Http.Reply health = new Http(port).get("/health");
    StringBuilder problems = new StringBuilder(findings.summary(SHOWN));
    if (health.status() != 200) problems.append("\nGET /health after the fuzz answered ").append(health.status()).append('\n');
    if (problems.length() > 0) fail("Contract fuzz (seed " + SEED + ", " + sent + " requests) found problems:\n" + problems);
    assertThat(byExpected.keySet()).as("every operation of openapi.yaml was fuzzed")
        .containsExactlyInAnyOrderElementsOf(contract.operations().stream().map(ContractModel.Operation::id).toList());
  }

  private static String what(FieldCase c) {
    return c.isControl() ? "[control request, expected " + c.expected() + "]"
        : "[" + c.in() + " " + c.field() + ": " + c.label() + "; contract: " + c.expected()
            + (c.brokenRule() == null ? "" : " (breaks: " + c.brokenRule().statement() + ")") + "]";
  }

  /** What the contract says of the answer, beyond "no 5xx" (Redis is checked by the caller). */
  private static void check(FieldCase c, Answer res, ContractModel.Operation op, String where, Findings findings) {
    if (res.status() >= 500) findings.add("responses with status >= 500", where);
    if (AnswerChecks.looksLikeStackTrace(res)) findings.add("responses containing a stack trace", where);
    if (res.status() >= 400 && res.status() < 500) {
      String why = AnswerChecks.problemViolation(c.request(), res);
      if (why != null) findings.add("4xx responses that are not a problem+json document with status and detail",
          where + "\n      (" + why + ")");
    }
    List<String> named = AnswerChecks.problemFields(res);
    boolean namesField = named.stream().anyMatch(f -> f.equalsIgnoreCase(c.field()));
    boolean namesAnExpectedField = named.stream().anyMatch(f -> c.fieldsToName().stream().anyMatch(f::equalsIgnoreCase));
    if (c.isControl()) {
      if (res.status() == 422) findings.add("control requests (the base values) refused as invalid", where);
      return;
    }
    switch (c.expected()) {
      case REFUSED -> {
        if (res.status() < 400) findings.add("values the contract forbids, accepted (2xx/3xx)", where);
        if (res.status() == 422 && !c.field().startsWith("(") && !namesAnExpectedField) {
          findings.add("422 answers whose errors do not name the invalid field", where + "\n      (errors name " + named + ")");
        }
      }
      case ACCEPTED -> {
        if (res.status() == 422 && namesField) findings.add("values the contract allows, refused with a 422 naming the field", where);
      }
      case EITHER -> { }
    }
    boolean unknownField = c.field().endsWith(ContractRequests.UNKNOWN_FIELD);
    if (unknownField && res.status() < 300 && op.successHeaders().contains("sentinel-ignored-fields")) {
      String header = res.header("Sentinel-Ignored-Fields");
      if (header == null || !header.toLowerCase(Locale.ROOT).contains(ContractRequests.UNKNOWN_FIELD)) {
        findings.add("unknown fields accepted without being named in Sentinel-Ignored-Fields", where + "\n      (header: " + header + ")");
      }
    }
  }
}
