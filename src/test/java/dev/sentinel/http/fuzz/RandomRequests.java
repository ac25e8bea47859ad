package dev.sentinel.http.fuzz;

import dev.sentinel.http.fuzz.FuzzRequest.Auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Seeded random requests against every operation of openapi.yaml (plus unknown paths and wrong
 * methods), with and without keys: malformed or random bodies, headers, path ids and query
 * parameters. Every request that could mutate is built to be refused: a POST or DELETE carries
 * a bad body, a bad id, bad parameters, an id that does not exist (or a task whose state makes
 * the operation a 409), or a missing, unknown or insufficient key. GET requests may be anything.
 *
 * <p>The sequence depends on the seed alone (the seeded ids only fill in values), so a failing
 * run is replayed with its seed. About one request in ten is marked for a raw socket, to send
 * what a URI cannot carry (malformed percent escapes, raw UTF-8 in the target and in header
 * values).
 */
public final class RandomRequests {

  /** The contract's Identifier: what task, tenant and type ids must look like. */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
  private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");

  private final Random rnd;
  private final String adminKey;
  private final List<String> acmeTasks;
  private final List<String> otherTasks;
  private final String tenantKey;
  private final String tenantKeyId;

  public RandomRequests(long seed, SeededData data) {
    this.rnd = new Random(seed);
    this.adminKey = data.adminKey();
    this.acmeTasks = data.acmeTasks();
    this.otherTasks = data.otherTasks();
    this.tenantKey = data.tenantKey();
    this.tenantKeyId = data.tenantKeyId();
  }

  /** The next request; the same seed and seeded data give the same sequence. */
  public FuzzRequest next() {
    FuzzRequest r;
    do {
      r = draw();
    } while (r == null);
    return r;
  }

  private FuzzRequest draw() {
    int roll = rnd.nextInt(1000);
    if (roll < 200) return submitTask();
    if (roll < 290) return listTasks();
    if (roll < 410) return readTask();
    if (roll < 480) return cancelTask();
    if (roll < 530) return retryTask();
    if (roll < 570) return stats();
    if (roll < 620) return tenantRead();
    if (roll < 690) return setRateLimit();
    if (roll < 730) return deleteRateLimit();
    if (roll < 800) return createApiKey();
    if (roll < 830) return adminRead();
    if (roll < 870) return deleteApiKey();
    if (roll < 900) return publicRead();
    if (roll < 950) return wrongMethod();
    return unknownPath();
  }

  private Auth anyAuth() {
    int r = rnd.nextInt(100);
    return r < 45 ? Auth.ADMIN : r < 60 ? Auth.TENANT : r < 80 ? Auth.NONE : Auth.GARBAGE;
  }

  /** A request under construction: its path segments are encoded when it is built. */
  private final class Builder {
    final String op;
    final String method;
    final Auth auth;
    final List<String> segments = new ArrayList<>();
    final List<String[]> query = new ArrayList<>();
    final List<Map.Entry<String, String>> headers = new ArrayList<>();
    byte[] body;
    boolean raw = rnd.nextInt(100) < 10;
    /** Set when the Idempotency-Key given is the one thing wrong with the request: no second one then. */
    boolean soleIdempotencyKey;

    Builder(String op, String method, Auth auth, String... segments) {
      this.op = op;
      this.method = method;
      this.auth = auth;
      this.segments.addAll(Arrays.asList(segments));
    }

    Builder param(String name, String value) {
      query.add(new String[] {name, value});
      return this;
    }

    Builder header(String name, String value) {
      headers.add(Map.entry(name, value));
      return this;
    }

    Builder json(String text) {
      body = text.getBytes(StandardCharsets.UTF_8);
      if (rnd.nextInt(100) < 80) header("Content-Type", "application/json");
      return this;
    }

    FuzzRequest build() {
      authHeaders(auth, headers);
      noiseHeaders(headers, soleIdempotencyKey);
      if (body == null && !method.equals("HEAD") && !method.equals("TRACE") && rnd.nextInt(100) < 10) {
        body = randomBytesBody();
      }
      if (body != null && headers.stream().noneMatch(h -> h.getKey().equalsIgnoreCase("content-type")) && rnd.nextInt(2) == 0) {
        header("Content-Type", contentType());
      }
      StringBuilder target = new StringBuilder();
      for (String s : segments) target.append('/').append(encode(s, raw));
      if (target.length() == 0) target.append('/');
      String path = mangle(target.toString());
      if (!query.isEmpty() || rnd.nextInt(100) < 3) {
        StringBuilder q = new StringBuilder();
        for (String[] p : query) {
          if (q.length() > 0) q.append('&');
          q.append(encode(p[0], raw));
          if (p[1] != null) q.append('=').append(encode(p[1], raw));
        }
        path = path + "?" + q;
      }
      if (raw && rnd.nextInt(3) == 0) path = injectBadEscape(path);
      if (!raw && !headersFitClient(headers)) raw = true;
      // a request line over 4 KiB is refused by the HTTP codec before the API sees it: draw another request
      if (path.getBytes(StandardCharsets.UTF_8).length > 3_800) return null;
      return new FuzzRequest(op, method, path, headers, body, auth, raw);
    }
  }

  private FuzzRequest submitTask() {
    Auth auth = anyAuth();
    Builder b = new Builder("submitTask", "POST", auth, "tasks");
    int kind = rnd.nextInt(100);
    if (auth == Auth.NONE || auth == Auth.GARBAGE) {
      b.json(rnd.nextBoolean() ? validTaskBody(anyTenant()) : invalidTaskBody());   // 401 either way
    } else if (auth == Auth.TENANT && kind < 30) {
      String other = rnd.nextBoolean() ? "globex" : validIdentifier();
      b.json(validTaskBody(other.equals("acme") ? "globex" : other));                  // another tenant: 403
    } else if (kind < 10) {
      b.json(validTaskBody(anyTenant())).header("Idempotency-Key", badIdempotencyKey());  // 422
      b.soleIdempotencyKey = true;
    } else if (kind < 16) {
      b.body = invalidTaskBody().getBytes(StandardCharsets.UTF_8);
      b.header("Content-Type", contentType());
    } else if (kind < 20) {
      b.body = withInvalidUtf8(invalidTaskBody().getBytes(StandardCharsets.UTF_8));
      b.header("Content-Type", "application/json");
    } else if (kind < 21) {
      b.json("{\"tenant_id\":\"acme\",\"task_type\":\"x\",\"agent_type\":\"noop\",\"task_params\":{\"blob\":\""
          + "x".repeat(1_050_000 + rnd.nextInt(100_000)) + "\"}}");                       // over 1 MiB: 413
    } else {
      b.json(invalidTaskBody());
    }
    if (rnd.nextInt(100) < 15) {
      b.header("Idempotency-Key", b.soleIdempotencyKey ? badIdempotencyKey()
          : rnd.nextBoolean() ? "fuzz-seed-1" : anyIdempotencyKey());
    }
    if (rnd.nextInt(100) < 10) addRandomParams(b);
    return b.build();
  }

  private FuzzRequest listTasks() {
    Builder b = new Builder("listTasks", "GET", anyAuth(), "tasks");
    String[] names = {"status_filter", "tenant_id", "agent_type", "task_type", "limit", "offset", "cursor"};
    int n = rnd.nextInt(5);
    for (int i = 0; i < n; i++) {
      String name = names[rnd.nextInt(names.length)];
      b.param(name, switch (name) {
        case "status_filter" -> rnd.nextInt(4) == 0 ? pick("queued", "scheduled", "completed", "in_progress") : garbageValue();
        case "limit", "offset" -> rnd.nextInt(4) == 0 ? String.valueOf(rnd.nextInt(20)) : numberish();
        case "cursor" -> rnd.nextInt(4) == 0 ? rnd.nextInt(1_000_000_000) + ":" + validIdentifier() : garbageValue();
        default -> rnd.nextInt(3) == 0 ? anyTenant() : garbageValue();
      });
    }
    if (rnd.nextInt(100) < 20) addRandomParams(b);
    return b.build();
  }

  private FuzzRequest readTask() {
    Auth auth = anyAuth();
    String sub = pick("", "", "steps", "checkpoint", "events");
    Builder b = sub.isEmpty() ? new Builder("getTask", "GET", auth, "tasks", anyTaskId())
        : new Builder("getTask" + Character.toUpperCase(sub.charAt(0)) + sub.substring(1), "GET", auth, "tasks",
            anyTaskId(), sub);
    if (sub.equals("events") && rnd.nextInt(100) < 70) b.header("Last-Event-ID", rnd.nextInt(4) == 0
        ? String.valueOf(rnd.nextInt(50)) : garbageHeaderValue());
    if (rnd.nextInt(100) < 15) addRandomParams(b);
    if (rnd.nextInt(100) < 10) b.json(randomJson(3));
    return b.build();
  }

  /** DELETE /tasks/{id}: never a task the caller could really cancel. */
  private FuzzRequest cancelTask() {
    Auth auth = anyAuth();
    String id = switch (auth) {
      case ADMIN -> rnd.nextBoolean() ? missingTaskId() : badIdentifier();
      case TENANT -> pick(missingTaskId(), badIdentifier(), otherTasks.get(rnd.nextInt(otherTasks.size())));
      default -> anyTaskId();
    };
    Builder b = new Builder("cancelTask", "DELETE", auth, "tasks", id);
    if (rnd.nextInt(100) < 15) b.json(randomJson(3));
    if (rnd.nextInt(100) < 15) addRandomParams(b);
    return b.build();
  }

  /** POST /tasks/{id}/retry: the seeded tasks are queued or scheduled, so a retry is a 409; others 404/422. */
  private FuzzRequest retryTask() {
    Builder b = new Builder("retryTask", "POST", anyAuth(), "tasks", anyTaskId(), "retry");
    if (rnd.nextInt(100) < 40) b.json(rnd.nextBoolean() ? randomJson(3) : invalidTaskBody());
    if (rnd.nextInt(100) < 15) addRandomParams(b);
    return b.build();
  }

  private FuzzRequest stats() {
    Builder b = new Builder("getStats", "GET", anyAuth(), "stats");
    if (rnd.nextInt(100) < 70) b.param("tenant_id", rnd.nextInt(3) == 0 ? anyTenant() : garbageValue());
    if (rnd.nextInt(100) < 20) addRandomParams(b);
    return b.build();
  }

  private FuzzRequest tenantRead() {
    boolean costs = rnd.nextBoolean();
    Builder b = new Builder(costs ? "getTenantCosts" : "getRateLimit", "GET", anyAuth(), "tenants", anyTenant(),
        costs ? "costs" : "rate-limit");
    if (rnd.nextInt(100) < 20) addRandomParams(b);
    return b.build();
  }

  /**
   * POST /tenants/{t}/rate-limit. As admin, one of the three inputs is always refused by the
   * contract: a bad tenant id, or every capacity given being out of range, not a number, or
   * absent, or every refill_rate given (at least one) being out of range or not a number.
   */
  private FuzzRequest setRateLimit() {
    Auth auth = anyAuth();
    String tenant = anyTenant();
    List<String> capacities = new ArrayList<>();
    List<String> refills = new ArrayList<>();
    int broken = auth == Auth.ADMIN ? rnd.nextInt(3) : -1;
    if (broken == 0) tenant = badIdentifier();
    int nc = broken == 1 ? rnd.nextInt(3) : 1 + (rnd.nextInt(5) == 0 ? 1 : 0);
    for (int i = 0; i < nc; i++) capacities.add(broken == 1 ? badCapacity() : anyRateValue());
    // refill_rate may be left out (the seed's was optional); broken, at least one value is bad
    int nr = broken == 2 ? 1 + rnd.nextInt(2) : rnd.nextInt(3);
    for (int i = 0; i < nr; i++) refills.add(broken == 2 ? badRefillRate() : anyRateValue());
    Builder b = new Builder("setRateLimit", "POST", auth, "tenants", tenant, "rate-limit");
    List<String[]> params = new ArrayList<>();
    capacities.forEach(c -> params.add(new String[] {"capacity", c}));
    refills.forEach(r -> params.add(new String[] {"refill_rate", r}));
    Collections.shuffle(params, rnd);
    params.forEach(p -> b.param(p[0], p[1]));
    if (rnd.nextInt(100) < 20) b.json(randomJson(3));
    if (rnd.nextInt(100) < 10) addRandomParams(b);
    return b.build();
  }

  /** DELETE /tenants/{t}/rate-limit: as admin only with a bad tenant id. */
  private FuzzRequest deleteRateLimit() {
    Auth auth = anyAuth();
    Builder b = new Builder("deleteRateLimit", "DELETE", auth, "tenants",
        auth == Auth.ADMIN ? badIdentifier() : rnd.nextBoolean() ? "acme" : anyTenant(), "rate-limit");
    if (rnd.nextInt(100) < 15) addRandomParams(b);
    return b.build();
  }

  /** POST /admin/api-keys: as admin only with bodies the contract (or the handler) refuses. */
  private FuzzRequest createApiKey() {
    Auth auth = anyAuth();
    Builder b = new Builder("createApiKey", "POST", auth, "admin", "api-keys");
    if (auth == Auth.ADMIN) {
      int kind = rnd.nextInt(10);
      if (kind == 0) {
        b.body = withInvalidUtf8(invalidApiKeyBody().getBytes(StandardCharsets.UTF_8));
        b.header("Content-Type", "application/json");
      } else if (kind == 1) {
        b.body = invalidApiKeyBody().getBytes(StandardCharsets.UTF_8);
        b.header("Content-Type", contentType());
      } else {
        b.json(invalidApiKeyBody());
      }
    } else {
      b.json(rnd.nextBoolean() ? validApiKeyBody() : invalidApiKeyBody());   // 401 / 403 either way
    }
    if (rnd.nextInt(100) < 10) addRandomParams(b);
    return b.build();
  }

  private FuzzRequest adminRead() {
    boolean workers = rnd.nextBoolean();
    Builder b = workers ? new Builder("listWorkers", "GET", anyAuth(), "workers")
        : new Builder("listApiKeys", "GET", anyAuth(), "admin", "api-keys");
    if (rnd.nextInt(100) < 25) addRandomParams(b);
    return b.build();
  }

  /** DELETE /admin/api-keys/{key_id}: as admin never the real key. */
  private FuzzRequest deleteApiKey() {
    Auth auth = anyAuth();
    String keyId;
    if (auth == Auth.ADMIN) {
      do {
        keyId = rnd.nextBoolean() ? hex(16) : badKeyId();
      } while (keyId.equals(tenantKeyId));
    } else {
      keyId = rnd.nextBoolean() ? tenantKeyId : rnd.nextBoolean() ? hex(16) : badKeyId();
    }
    Builder b = new Builder("deleteApiKey", "DELETE", auth, "admin", "api-keys", keyId);
    if (rnd.nextInt(100) < 15) addRandomParams(b);
    return b.build();
  }

  private FuzzRequest publicRead() {
    String which = pick("health", "ready", "openapi.yaml", "docs", "docs/", "docs/x");
    Builder b = switch (which) {
      case "docs/" -> new Builder("docs", "GET", anyAuth(), "docs", "");
      case "docs/x" -> new Builder("docs", "GET", anyAuth(), "docs",
          pick("swagger-ui.css", "index.html", "..", "%2e%2e", weird(1 + rnd.nextInt(30)), "../../etc/passwd"));
      default -> new Builder(which, "GET", anyAuth(), which);
    };
    if (rnd.nextInt(100) < 40) addRandomParams(b);
    if (rnd.nextInt(100) < 20) b.header(pick("If-Modified-Since", "If-None-Match", "Range", "If-Range"), garbageHeaderValue());
    return b.build();
  }

  /** A method the path does not have: 404/405. Ids are ones nothing could be done to anyway. */
  private FuzzRequest wrongMethod() {
    Auth auth = anyAuth();
    String id = auth == Auth.NONE || auth == Auth.GARBAGE ? anyTaskId() : missingTaskId();
    String tenant = auth == Auth.NONE || auth == Auth.GARBAGE ? anyTenant() : badIdentifier();
    Object[][] paths = {
        {new String[] {"tasks"}, List.of("GET", "POST")},
        {new String[] {"tasks", id}, List.of("GET", "DELETE")},
        {new String[] {"tasks", id, "steps"}, List.of("GET")},
        {new String[] {"tasks", id, "checkpoint"}, List.of("GET")},
        {new String[] {"tasks", id, "events"}, List.of("GET")},
        {new String[] {"tasks", id, "retry"}, List.of("POST")},
        {new String[] {"stats"}, List.of("GET")},
        {new String[] {"tenants", tenant, "costs"}, List.of("GET")},
        {new String[] {"tenants", tenant, "rate-limit"}, List.of("GET", "POST", "DELETE")},
        {new String[] {"workers"}, List.of("GET")},
        {new String[] {"health"}, List.of("GET")},
        {new String[] {"ready"}, List.of("GET")},
        {new String[] {"admin", "api-keys"}, List.of("GET", "POST")},
        {new String[] {"admin", "api-keys", badKeyId()}, List.of("DELETE")},
        {new String[] {"openapi.yaml"}, List.of("GET")},
    };
    Object[] p = paths[rnd.nextInt(paths.length)];
    @SuppressWarnings("unchecked") List<String> allowed = (List<String>) p[1];
    String method;
    do {
      method = pick("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO", "PROPFIND", "get", "post",
          "delete");
    } while (allowed.contains(method));
    Builder b = new Builder("wrongMethod", method, auth, (String[]) p[0]);
    if (!method.equals("HEAD") && !method.equals("TRACE") && !method.equals("GET") && rnd.nextInt(100) < 60) {
      b.json(rnd.nextBoolean() ? invalidTaskBody() : randomJson(3));
    }
    return b.build();
  }

  /** Paths no route has: a first segment or a depth that matches nothing. */
  private FuzzRequest unknownPath() {
    List<String> segs = new ArrayList<>();
    int shape = rnd.nextInt(6);
    switch (shape) {
      case 0 -> segs.add(unknownWord());
      case 1 -> { segs.add("tasks"); segs.add(anyTaskId()); segs.add(unknownWord()); }
      case 2 -> { segs.add("tasks"); segs.add(anyTaskId()); segs.add("steps"); segs.add(notDots(weird(1 + rnd.nextInt(10)))); }
      case 3 -> { segs.add("tenants"); segs.add(anyTenant()); segs.add(unknownWord()); }
      case 4 -> { segs.add("admin"); segs.add(unknownWord()); }
      default -> {
        int n = 1 + rnd.nextInt(6);
        segs.add(unknownWord());
        for (int i = 1; i < n; i++) segs.add(notDots(rnd.nextBoolean() ? weird(1 + rnd.nextInt(12)) : unknownWord()));
      }
    }
    String method = pick("GET", "GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS");
    Builder b = new Builder("unknownPath", method, anyAuth(), segs.toArray(new String[0]));
    if (!method.equals("GET") && !method.equals("HEAD") && rnd.nextBoolean()) {
      b.json(rnd.nextBoolean() ? validTaskBody("acme") : randomJson(3));
    }
    if (rnd.nextInt(100) < 20) addRandomParams(b);
    return b.build();
  }

  private String unknownWord() {
    String w = pick("task", "Tasks", "TASKS", "v1", "api", "metrics", "admin2", "tenant", "debug", "actuator",
        "console", ".env", "favicon.ico", "robots.txt", "graphql", "ws", "login", "%", "~", "stat", "healthz",
        "worker", "keys", "cancel", "retries", "_");
    return rnd.nextInt(4) == 0 ? w + weird(1 + rnd.nextInt(5)) : w;
  }

  /** "." and ".." are removed by path normalization, which could turn an unknown path into a known one. */
  private static String notDots(String segment) {
    return segment.equals(".") || segment.equals("..") ? segment + "x" : segment;
  }

  // ---------------------------------------------------------------- auth and headers

  private void authHeaders(Auth auth, List<Map.Entry<String, String>> h) {
    switch (auth) {
      case ADMIN, TENANT -> {
        String key = auth == Auth.ADMIN ? adminKey : tenantKey;
        switch (rnd.nextInt(4)) {
          case 0 -> h.add(Map.entry("Authorization", "Bearer " + key));
          case 1 -> h.add(Map.entry("Authorization", "bearer " + key));
          case 2 -> h.add(Map.entry("X-API-Key", key));
          default -> h.add(Map.entry("authorization", "BEARER " + key));
        }
      }
      case NONE -> {
        switch (rnd.nextInt(7)) {
          case 0, 1 -> { }
          case 2 -> h.add(Map.entry("Authorization", "Basic " + Base64.getEncoder()
              .encodeToString(("admin:" + adminKey).getBytes(StandardCharsets.UTF_8))));
          case 3 -> h.add(Map.entry("Authorization", pick("Bearer", "Bearer ", "bearer", "Token " + adminKey,
              "Digest username=\"admin\"", "ApiKey " + adminKey, adminKey, "Bearer" + adminKey)));
          case 4 -> h.add(Map.entry("X-API-Key", pick("", " ", "\t")));
          case 5 -> h.add(Map.entry("X-Api-Key-" + rnd.nextInt(9), adminKey));
          default -> h.add(Map.entry("Authorization", ""));
        }
      }
      case GARBAGE -> {
        String garbage = switch (rnd.nextInt(8)) {
          case 0 -> adminKey + pick("x", "0", ".", "\u00e9");
          case 1 -> adminKey.substring(0, 1 + rnd.nextInt(adminKey.length() - 1));
          case 2 -> adminKey.toUpperCase(Locale.ROOT);
          case 3 -> tenantKey + "1";
          case 4 -> "snt_" + hex(32);
          case 5 -> headerSafe(weird(1 + rnd.nextInt(60)));
          case 6 -> "x".repeat(1 + rnd.nextInt(1500));
          default -> pick("null", "undefined", "' OR '1'='1", "*", "%00", "${jndi:ldap://x/a}", "../../", "0", "-1");
        };
        garbage = garbage.strip();
        if (garbage.isEmpty()) garbage = "g";
        switch (rnd.nextInt(3)) {
          case 0 -> h.add(Map.entry("Authorization", "Bearer " + garbage));
          case 1 -> h.add(Map.entry("X-API-Key", garbage));
          default -> {
            h.add(Map.entry("Authorization", "Bearer " + garbage));
            h.add(Map.entry("X-API-Key", rnd.nextBoolean() ? garbage : headerSafe(weird(8))));
          }
        }
      }
    }
  }

  /** Headers that should change nothing: odd content types, encodings, forwarding, overrides. */
  private void noiseHeaders(List<Map.Entry<String, String>> h, boolean soleIdempotencyKey) {
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      switch (rnd.nextInt(14)) {
        case 0 -> h.add(Map.entry("Content-Type", contentType()));
        case 1 -> h.add(Map.entry("Idempotency-Key", soleIdempotencyKey ? badIdempotencyKey() : anyIdempotencyKey()));
        case 2 -> h.add(Map.entry("Last-Event-ID", garbageHeaderValue()));
        case 3 -> h.add(Map.entry("Accept", pick("*/*", "application/json", "text/event-stream", "text/html",
            "application/xml", "", "garbage/", "application/problem+json;q=0")));
        case 4 -> h.add(Map.entry("Content-Encoding", pick("gzip", "deflate", "br", "identity", "x-garbage")));
        case 5 -> h.add(Map.entry("Accept-Encoding", pick("gzip", "deflate, br", "*", "garbage")));
        case 6 -> h.add(Map.entry("X-Forwarded-For", pick("127.0.0.1", "::1", "10.0.0.1, 1.2.3.4", garbageHeaderValue())));
        case 7 -> h.add(Map.entry("X-HTTP-Method-Override", pick("DELETE", "POST", "PUT", "GET")));
        case 8 -> h.add(Map.entry("Origin", pick("http://evil.example", "null", garbageHeaderValue())));
        case 9 -> h.add(Map.entry("Cookie", "session=" + garbageHeaderValue()));
        case 10 -> h.add(Map.entry("X-" + token(1 + rnd.nextInt(20)), garbageHeaderValue()));
        case 11 -> h.add(Map.entry("Accept-Language", pick("en", "*", "zz-ZZ", garbageHeaderValue())));
        case 12 -> h.add(Map.entry("Range", pick("bytes=0-10", "bytes=-1", "bytes=abc", "lines=1-2")));
        default -> h.add(Map.entry("If-None-Match", pick("*", "\"x\"", garbageHeaderValue())));
      }
    }
  }

  private String contentType() {
    return pick("application/json", "application/json; charset=utf-8", "application/json;charset=UTF-16",
        "APPLICATION/JSON", "application/json; foo=bar", "application/json; charset=\"garbage\"", "text/plain",
        "text/json", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
        "multipart/form-data", "application/problem+json", "application/merge-patch+json", "application/json-seq",
        "*/*", "", "garbage", ";;;", "application/", "/json", "application/json, text/plain",
        "application/octet-stream", "application/" + "x".repeat(300));
  }

  private String badIdempotencyKey() {
    String k = switch (rnd.nextInt(6)) {
      case 0 -> "a b";
      case 1 -> "k".repeat(201 + rnd.nextInt(300));
      case 2 -> "key/" + rnd.nextInt(100);
      case 3 -> "caf\u00e9-" + rnd.nextInt(100);
      case 4 -> "k;" + rnd.nextInt(100) + ",x";
      default -> "{" + hex(4) + "}";
    };
    return IDEMPOTENCY_KEY.matcher(k).matches() ? k + "!" : k;
  }

  private String anyIdempotencyKey() {
    return rnd.nextBoolean() ? badIdempotencyKey() : "fuzz-" + hex(8);
  }

  private String garbageHeaderValue() {
    return switch (rnd.nextInt(8)) {
      case 0 -> "";
      case 1 -> String.valueOf(rnd.nextLong());
      case 2 -> "9".repeat(1 + rnd.nextInt(40)) + "-" + "9".repeat(1 + rnd.nextInt(40));
      case 3 -> "-1";
      case 4 -> headerSafe(weird(1 + rnd.nextInt(80)));
      case 5 -> "x".repeat(1 + rnd.nextInt(1000));
      case 6 -> pick("0-0", "1-", "-1-1", "1764245550123-0", "$", "+", "(0", "0-18446744073709551616");
      default -> pick("null", "NaN", "Infinity", "\u00e9\u00e8", "a\tb", "' OR 1=1 --");
    };
  }

  /** Header values: no control characters but TAB (those break HTTP framing, not the API). */
  private static String headerSafe(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(c -> {
      if ((c >= 0x20 && c != 0x7f) || c == '\t') b.appendCodePoint(c);
    });
    return b.toString();
  }

  private static boolean headersFitClient(List<Map.Entry<String, String>> headers) {
    for (Map.Entry<String, String> h : headers) {
      for (char c : h.getValue().toCharArray()) if (c > 0x7e || (c < 0x20 && c != '\t')) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- ids, tenants, parameters

  private String anyTaskId() {
    int r = rnd.nextInt(10);
    if (r < 3) return rnd.nextBoolean() ? acmeTasks.get(rnd.nextInt(acmeTasks.size())) : otherTasks.get(rnd.nextInt(otherTasks.size()));
    if (r < 6) return missingTaskId();
    return badIdentifier();
  }

  /** Well formed, but no such task. */
  private String missingTaskId() {
    return switch (rnd.nextInt(4)) {
      case 0 -> new UUID(rnd.nextLong(), rnd.nextLong()).toString();
      case 1 -> validIdentifier();
      case 2 -> "x".repeat(128);
      default -> pick("no-such-task", "0", "-", "_", "null", "undefined", "tasks", "..." , "a.b");
    };
  }

  private String anyTenant() {
    int r = rnd.nextInt(10);
    if (r < 3) return pick("acme", "globex");
    if (r < 6) return validIdentifier();
    return badIdentifier();
  }

  private String validIdentifier() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
    int len = 1 + (rnd.nextInt(10) == 0 ? rnd.nextInt(128) : rnd.nextInt(20));
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < len; i++) b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    String s = b.toString();
    return s.equals(".") || s.equals("..") ? s + "x" : s;
  }

  /** Never a valid Identifier (nor one a path normalizer could turn into one). */
  private String badIdentifier() {
    String s = switch (rnd.nextInt(16)) {
      case 0 -> "";
      case 1 -> "bad id";
      case 2 -> "a/b";
      case 3 -> "a:b";
      case 4 -> "\u00fcn\u00efc\u00f6d\u00e9";
      case 5 -> "\u65e5\u672c\u8a9e\ud83d\ude00";
      case 6 -> "x".repeat(129 + rnd.nextInt(400));
      case 7 -> "a\u0000b";
      case 8 -> "a\r\nFLUSHALL\r\n";
      case 9 -> "{task_id}";
      case 10 -> "*";
      case 11 -> "${jndi:ldap://x/a}";
      case 12 -> "<script>alert(1)</script>";
      case 13 -> "' OR '1'='1";
      case 14 -> "a%2Fb";
      default -> weird(1 + rnd.nextInt(200)) + "!";
    };
    return IDENTIFIER.matcher(s).matches() ? s + " " : s;
  }

  private String badKeyId() {
    String s = switch (rnd.nextInt(7)) {
      case 0 -> hex(15);
      case 1 -> hex(17);
      case 2 -> hex(16).toUpperCase(Locale.ROOT) + "G";
      case 3 -> "zzzzzzzzzzzzzzzz";
      case 4 -> "";
      case 5 -> "x".repeat(300);
      default -> weird(1 + rnd.nextInt(30));
    };
    return KEY_ID.matcher(s).matches() ? s + "x" : s;
  }

  /** Refused by the contract's capacity (a number, 1 to 1000000) whatever the other parameter is. */
  private String badCapacity() {
    return pick("", "0", "-1", "-5", "1000001", "99999999999999999999", "1000000.5", "0.999", "abc", "NaN", "Infinity",
        "-Infinity", "0x10", "1,000", "\u0663", "\uff11\uff12", "null", "true", "[]", "{}", "1 2", "--1", "1e400",
        "-0.5", "1_000", weird(1 + rnd.nextInt(20)) + "z");
  }

  /** Refused by the contract's refill_rate (number, greater than 0, at most 1000000). */
  private String badRefillRate() {
    return pick("", "0", "-0", "0.0", "-1", "-0.001", "1000000.5", "1e7", "1e400", "NaN", "Infinity", "-Infinity",
        "abc", "0x1p3", "1,5", "\u0663", "null", "false", "[]", "{}", "1 2", "--1", "5..5",
        weird(1 + rnd.nextInt(20)) + "z");
  }

  private String anyRateValue() {
    return rnd.nextBoolean() ? numberish() : pick("100", "10", "1", "1000000", "0.5", "1.0", "+5", "1e2", "00010");
  }

  private String numberish() {
    return pick("", "0", "-0", "1", "-1", "1.0", "1.5", "1e2", "1E+2", "+5", " 5", "5 ", "0x10", "010", "1_000",
        "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "99999999999999999999999999", "1e400", "-1e400", "NaN", "Infinity", "-Infinity", "null", "true", "[]",
        "{}", "\u0663", "\uff15", "5\u0000", "%", "1000", "1001", "10000", "10001", weird(1 + rnd.nextInt(8)));
  }

  private String garbageValue() {
    return switch (rnd.nextInt(8)) {
      case 0 -> "";
      case 1 -> numberish();
      case 2 -> weird(1 + rnd.nextInt(40));
      case 3 -> "x".repeat(129 + rnd.nextInt(600));
      case 4 -> badIdentifier();
      case 5 -> pick("*", "?", "%", "../..", "..", ".", "' OR 1=1 --", "${jndi:ldap://x/a}", "\u0000", "a&b=c", "#");
      case 6 -> pick("queued,completed", "QUEUED", "queued ", "all", "null", "[]", "{\"$ne\":null}");
      default -> validIdentifier();
    };
  }

  private void addRandomParams(Builder b) {
    int n = 1 + rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      String name = rnd.nextInt(3) == 0 ? pick("limit", "offset", "cursor", "status_filter", "tenant_id", "capacity",
          "refill_rate", "task_id", "admin", "_method", "callback") : token(1 + rnd.nextInt(12));
      b.param(rnd.nextInt(10) == 0 ? weird(1 + rnd.nextInt(6)) : name, rnd.nextInt(10) == 0 ? null : garbageValue());
    }
  }

  // ---------------------------------------------------------------- bodies

  private String validTaskBody(String tenant) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("tenant_id", jstr(tenant));
    f.put("task_type", jstr(validIdentifier()));
    f.put("agent_type", jstr("noop"));
    if (rnd.nextBoolean()) f.put("task_params", "{\"steps\":" + (1 + rnd.nextInt(5)) + "}");
    if (rnd.nextBoolean()) f.put("priority", String.valueOf(rnd.nextInt(2001) - 1000));
    if (rnd.nextBoolean()) f.put("max_attempts", String.valueOf(1 + rnd.nextInt(100)));
    return object(f);
  }

  /**
   * A POST /tasks body with at least one field the contract refuses, plus noise; sometimes
   * also broken as JSON, or not an object at all.
   */
  private String invalidTaskBody() {
    int shape = rnd.nextInt(100);
    if (shape < 12) return notAnObject();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("tenant_id", jstr(anyTenant().isEmpty() ? "acme" : pick("acme", "globex", validIdentifier())));
    f.put("task_type", jstr(validIdentifier()));
    f.put("agent_type", jstr("noop"));
    if (rnd.nextBoolean()) f.put("task_params", "{\"steps\":" + (1 + rnd.nextInt(5)) + "}");
    if (rnd.nextInt(3) == 0) f.put("priority", String.valueOf(rnd.nextInt(2001) - 1000));
    if (rnd.nextInt(3) == 0) f.put("cost_limit", String.valueOf(rnd.nextInt(100) / 10.0));
    if (rnd.nextInt(4) == 0) addNoise(f);   // first, so that breaking a field always wins
    int broken = 1 + rnd.nextInt(3);
    for (int i = 0; i < broken; i++) breakTaskField(f);
    String json = object(f);
    if (shape < 30) json = corrupt(json);
    return json;
  }

  private void breakTaskField(Map<String, String> f) {
    switch (rnd.nextInt(14)) {
      case 0 -> f.remove("tenant_id");
      case 1 -> f.remove("task_type");
      case 2 -> f.put("tenant_id", badIdentifierJson());
      case 3 -> f.put("task_type", badIdentifierJson());
      case 4 -> f.put("agent_type", rnd.nextBoolean() ? notNull(badIdentifierJson())
          : jstr(pick("zz-unknown-agent-", "no-such-agent-", "NOOP-") + rnd.nextInt(1000)));
      // an explicit null is the field left out (addNoise sends those): no break uses one for an optional field
      case 5 -> f.put("task_params", pick("[]", "[1,2]", "\"steps\"", "5", "true", "\"{}\""));
      case 6 -> f.put("task_params", badNoopParams());
      case 7 -> f.put("max_attempts", pick("0", "101", "-5", "2.5", "\"3\"", "true", "[]", "{}", "1e400",
          "123456789012345678901234567890", "-1e308", "1e10", "\"NaN\"", "\"Infinity\"", "-0.5"));
      case 8 -> f.put("priority", pick("-1001", "1001", "0.5", "\"1\"", "1e100", "true", "[0]", "-1e400",
          "99999999999999999999999", "\"-Infinity\""));
      case 9 -> f.put("cost_limit", pick("-0.01", "-1", "1000000.01", "1e400", "\"0.5\"", "true", "[]", "{}",
          "-1e-300", "1e7", "\"NaN\""));
      case 10 -> f.put("run_at", pick("\"tomorrow\"", "\"\"", "12345", "\"2026-02-30T00:00:00Z\"",
          "\"2026-13-01T00:00:00Z\"", "\"now\"", "\"2026-01-01\"", "\"T\"", "true", "{}",
          "\"2026-01-01T25:61:61Z\"", "\"99999-01-01T00:00:00Z\"", jstr(weird(20))));
      case 11 -> f.put("agent_type", "\"\"");
      case 12 -> f.put(pick("task_id", "id", "status", "owner", "epoch", "claim", "lease_expires", "attempts", "cost",
          "cost_so_far", "step", "current_node", "created_at", "updated_at", "completed_at", "result", "error",
          "worker_id"), randomJson(2));
      default -> f.put("tenant_id", jstr("x".repeat(129 + rnd.nextInt(100_000))));   // long: up to ~100 KB
    }
  }

  private String unknownFieldName() {
    String n = switch (rnd.nextInt(6)) {
      case 0 -> "";
      case 1 -> pick("colour", "__proto__", "constructor", "tenantId", "TENANT_ID", "tenant_id ", "$where", "priority\u0000");
      case 2 -> weird(1 + rnd.nextInt(30));
      case 3 -> "f".repeat(1 + rnd.nextInt(5_000));
      case 4 -> "\\ud800x";   // a lone surrogate, as a JSON escape (raw it could not be encoded)
      default -> token(1 + rnd.nextInt(20));
    };
    return switch (n) {
      case "tenant_id", "agent_type", "task_type", "task_params", "max_attempts", "priority", "cost_limit", "run_at" -> n + "_";
      default -> n;
    };
  }

  private String badNoopParams() {
    return switch (rnd.nextInt(6)) {
      case 0 -> "{\"steps\":" + pick("0", "-1", "1001", "1e9", "\"5\"", "2.5", "[]", "{}", "true", "1e400") + "}";
      case 1 -> "{\"steps\":3,\"step_ms\":" + pick("-1", "3600001", "\"x\"", "0.5", "[]", "1e400") + "}";
      case 2 -> "{\"steps\":3,\"fail_at_step\":" + pick("0", "4", "\"x\"", "-1", "1.5") + "}";
      case 3 -> "{\"steps\":" + pick("0", "5000") + ",\"deep\":" + nested(10 + rnd.nextInt(300)) + "}";
      case 4 -> "{\"steps\":-1,\"blob\":" + jstr(longString(1_000 + rnd.nextInt(100_000))) + "}";
      default -> "{\"steps\":\"" + weird(5) + "\"}";
    };
  }

  private static String notNull(String json) {
    return "null".equals(json) ? "\"\"" : json;
  }

  /**
   * Noise that is neither what makes a body invalid nor enough to make it valid: odd task_params,
   * fields the API does not know (ignored, as the seed did, and named in a response header, so
   * their names must never break the header), and explicit nulls (the field left out).
   */
  private void addNoise(Map<String, String> f) {
    switch (rnd.nextInt(8)) {
      case 5, 6 -> f.put(unknownFieldName(), randomJson(3));
      case 7 -> f.put(pick("agent_type", "task_params", "max_attempts", "priority", "cost_limit", "run_at"), "null");
      case 0 -> f.put("task_params", "{\"steps\":1,\"note\":" + jstr(weird(1 + rnd.nextInt(200))) + "}");
      case 1 -> f.put("task_params", "{\"steps\":1,\"deep\":" + nested(1 + rnd.nextInt(600)) + "}");
      case 2 -> f.put("task_params", "{\"steps\":1,\"big\":" + hugeNumber() + "}");
      case 3 -> f.put("task_params", "{\"steps\":1,\"s\":\"\\ud800\\udc00\\ud800 \\u0000 \\u001f\"}");
      default -> f.put("task_params", "{\"steps\":1,\"blob\":" + jstr(longString(1 + rnd.nextInt(100_000))) + "}");
    }
  }

  private String badIdentifierJson() {
    return rnd.nextInt(3) == 0 ? pick("123", "true", "null", "[]", "{}", "[\"acme\"]", "{\"$ne\":null}", "1e400", "-0")
        : jstr(badIdentifier());
  }

  private String validApiKeyBody() {
    return rnd.nextBoolean() ? "{\"tenant_id\":" + jstr(anyTenant().isEmpty() ? "acme" : validIdentifier()) + ",\"name\":\"n\"}"
        : "{\"admin\":true,\"name\":" + jstr(weird(10)) + "}";
  }

  /** Refused by POST /admin/api-keys: the contract, or "either tenant_id or admin: true". */
  private String invalidApiKeyBody() {
    String body = switch (rnd.nextInt(14)) {
      case 0 -> "{}";
      case 1 -> "{\"name\":" + jstr(weird(1 + rnd.nextInt(50))) + "}";
      case 2 -> "{\"admin\":false}";
      case 3 -> "{\"admin\":false,\"name\":\"x\"}";
      case 4 -> "{\"admin\":true,\"tenant_id\":" + jstr(validIdentifier()) + "}";
      case 5 -> "{\"tenant_id\":" + badIdentifierJson() + "}";
      case 6 -> "{\"admin\":" + pick("\"yes\"", "1", "null", "[]", "{}", "\"true\"", "0") + ",\"tenant_id\":\"acme\"}";
      case 7 -> "{\"tenant_id\":\"acme\",\"name\":" + jstr("n".repeat(201 + rnd.nextInt(100_000))) + "}";
      case 8 -> "{\"tenant_id\":\"acme\",\"name\":" + pick("5", "[]", "{}", "true", "null", "1e400") + "}";
      case 9 -> "{\"tenant_id\":\"acme\"," + jstr(unknownFieldName()) + ":" + randomJson(2) + "}";
      case 10 -> "{\"admin\":true,\"role\":\"root\"}";
      case 11 -> notAnObject();
      case 12 -> corrupt(rnd.nextBoolean() ? "{\"name\":\"x\"}" : "{\"admin\":true,\"tenant_id\":\"acme\"}");
      default -> "{\"admin\":true,\"admin\":false,\"tenant_id\":" + badIdentifierJson() + "}";
    };
    return body;
  }

  private String notAnObject() {
    return switch (rnd.nextInt(16)) {
      case 0 -> "";
      case 1 -> pick(" ", "\n", "\t\r\n ");
      case 2 -> "null";
      case 3 -> pick("[]", "[{}]", "[{\"tenant_id\":\"acme\",\"task_type\":\"x\",\"agent_type\":\"noop\"}]");
      case 4 -> jstr(weird(1 + rnd.nextInt(50)));
      case 5 -> pick("42", "-1", "1e400", "0.0", "-0", hugeNumber());
      case 6 -> pick("true", "false");
      case 7 -> nested(1 + rnd.nextInt(5_000));
      case 8 -> "{".repeat(1 + rnd.nextInt(10_000));
      case 9 -> "tenant_id=acme&task_type=x&agent_type=noop";
      case 10 -> "<task><tenant_id>acme</tenant_id></task>";
      case 11 -> weird(1 + rnd.nextInt(300));
      case 12 -> pick("NaN", "Infinity", "-Infinity", "undefined", "{'a':1}", "{a:1}", "[1,]", "{\"a\":1,}");
      case 13 -> "\"" + "s".repeat(1 + rnd.nextInt(100_000));
      case 14 -> "\u0000".repeat(1 + rnd.nextInt(20));
      default -> "[" + "1,".repeat(rnd.nextInt(5_000)) + "1]";
    };
  }

  /**
   * Breaks the JSON text: truncation, trailing garbage, comments, control characters, BOM, ...
   * Only ever applied to bodies that are invalid already: some of these a lenient parser takes
   * (Vert.x's Jackson allows comments), and this test is not about parser leniency.
   */
  private String corrupt(String json) {
    return switch (rnd.nextInt(11)) {
      case 0 -> json.substring(0, rnd.nextInt(Math.max(1, json.length() - 1)));
      case 1 -> json + pick(" x", "}", "{}", ",", "\u0000", " // c", "]");
      case 2 -> json.replaceFirst("\\{", "{/* c */");
      case 3 -> json.replace("\"", "'");
      case 4 -> "\ufeff" + json;
      case 5 -> json.replaceFirst(":", ":\u0001");
      case 6 -> json.replaceFirst("\"", "\"\n\t\u0000");
      case 7 -> json.replace(",", ",,");
      case 8 -> json.replaceFirst("\\{", "{\"a\":NaN,");
      case 9 -> json.substring(0, json.length() - 1) + ",\"tail\":\"\\uZZZZ\"}";
      default -> json.replaceFirst("\\}$", ",}");
    };
  }

  private byte[] withInvalidUtf8(byte[] utf8) {
    byte[][] bad = {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0x80},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xfe, (byte) 0xfe}};
    byte[] ins = bad[rnd.nextInt(bad.length)];
    int at = utf8.length == 0 ? 0 : rnd.nextInt(utf8.length);
    byte[] out = new byte[utf8.length + ins.length];
    System.arraycopy(utf8, 0, out, 0, at);
    System.arraycopy(ins, 0, out, at, ins.length);
    System.arraycopy(utf8, at, out, at + ins.length, utf8.length - at);
    return out;
  }

  private byte[] randomBytesBody() {
    byte[] b = new byte[rnd.nextInt(2_000)];
    rnd.nextBytes(b);
    return b;
  }

  private String randomJson(int depth) {
    int r = rnd.nextInt(depth <= 0 ? 7 : 9);
    return switch (r) {
      case 0 -> "null";
      case 1 -> pick("true", "false");
      case 2 -> pick("0", "-1", "3.14", "1e400", "-1e-400", hugeNumber(), "9223372036854775808");
      case 3, 4 -> jstr(weird(rnd.nextInt(40)));
      case 5 -> jstr(longString(rnd.nextInt(2_000)));
      case 6 -> "\"\\ud800\\u0000\\uffff\"";
      case 7 -> {
        StringBuilder b = new StringBuilder("[");
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(randomJson(depth - 1));
        yield b.append(']').toString();
      }
      default -> {
        StringBuilder b = new StringBuilder("{");
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(jstr(weird(rnd.nextInt(10)))).append(':')
            .append(randomJson(depth - 1));
        yield b.append('}').toString();
      }
    };
  }

  private String nested(int depth) {
    return rnd.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  private String hugeNumber() {
    StringBuilder b = new StringBuilder(rnd.nextBoolean() ? "-" : "").append(1 + rnd.nextInt(9));
    int digits = rnd.nextBoolean() ? 20 + rnd.nextInt(50) : 1_000 + rnd.nextInt(5_000);
    for (int i = 0; i < digits; i++) b.append(rnd.nextInt(10));
    if (rnd.nextBoolean()) b.append('.').append("123456789".repeat(1 + rnd.nextInt(20)));
    if (rnd.nextBoolean()) b.append('e').append(rnd.nextBoolean() ? "-" : "").append(rnd.nextInt(100_000));
    return b.toString();
  }

  private static String object(Map<String, String> fields) {
    StringBuilder b = new StringBuilder("{");
    fields.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(k.startsWith("\\") ? "\"" + k + "\"" : jstr(k))
        .append(':').append(v));
    return b.append('}').toString();
  }

  /** A JSON string literal; control characters escaped, everything else as is. */
  private static String jstr(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }

  // ---------------------------------------------------------------- strings

  private static final String[] ODD = {"\u0000", "\u0001", "\u001f", "\u007f", "\t", "\n", "\r", " ", "\u00a0",
      "\u00e9", "e\u0301", "\u200b", "\u202e", "\ufeff", "\uffff", "\ufffd", "\u65e5", "\u0627", "\ud83d\ude00",
      "\ud834\udd1e", "%", "%00", "%zz", "/", "\\", "..", "?", "#", "&", "=", "+", ";", ",", "'", "\"", "<", ">",
      "{", "}", "[", "]", "|", "`", "$", "*", "~", "@", ":", "\u0130", "\u00df", "\u2028", "\u2029"};

  /** A short string of odd characters: unicode, controls, URL and JSON metacharacters. */
  private String weird(int len) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < len; i++) {
      if (rnd.nextInt(3) == 0) b.append((char) ('a' + rnd.nextInt(26)));
      else b.append(ODD[rnd.nextInt(ODD.length)]);
    }
    return b.toString();
  }

  private String longString(int len) {
    String unit = rnd.nextBoolean() ? "a" : weird(1 + rnd.nextInt(8));
    StringBuilder b = new StringBuilder(len + unit.length());
    while (b.length() < len) b.append(unit);
    return b.toString();
  }

  private String token(int len) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < len; i++) b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    return b.toString();
  }

  private String hex(int len) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < len; i++) b.append("0123456789abcdef".charAt(rnd.nextInt(16)));
    return b.toString();
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[rnd.nextInt(options.length)];
  }

  // ---------------------------------------------------------------- URIs

  /**
   * Percent-encodes everything but RFC 3986 unreserved characters. Over a raw socket,
   * non-ASCII characters sometimes go as raw UTF-8 bytes instead.
   */
  private String encode(String s, boolean raw) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(c -> {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
          || c == '_' || c == '~') {
        b.appendCodePoint(c);
      } else if (raw && c > 0x7f && c != 0xfeff && rnd.nextBoolean()) {
        b.appendCodePoint(c);
      } else {
        for (byte x : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
          b.append('%').append(String.format("%02X", x & 0xff));
        }
      }
    });
    return b.toString();
  }

  /** Trailing or doubled slashes, dot segments, upper case: the router must still refuse or route. */
  private String mangle(String path) {
    if (rnd.nextInt(100) >= 8) return path;
    return switch (rnd.nextInt(6)) {
      case 0 -> path + "/";
      case 1 -> "/" + path;
      case 2 -> "/." + path;
      case 3 -> "/zz/.." + path;
      case 4 -> path.toUpperCase(Locale.ROOT);
      default -> path + ";jsessionid=" + hex(8);
    };
  }

  /** Only over a raw socket: an escape that is not one (URI would refuse to send it). */
  private String injectBadEscape(String path) {
    String bad = pick("%zz", "%", "%4", "%G0", "%%", "%u0041", "%c3", "%ed%a0%80", "%ff%fe", "%C0%AF");
    int q = path.indexOf('?');
    if (q >= 0 && rnd.nextBoolean()) return path + (path.endsWith("?") ? "" : "&") + pick("x=", "", "limit=") + bad;
    return path + (path.endsWith("/") ? "" : "") + bad;
  }
}
