package dev.sentinel.config;

import dev.sentinel.crypto.Sha256;
import dev.sentinel.observability.LogFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The whole configuration, typed, built once from the merged YAML and environment (see
 * {@link ConfigLoader}). Defaults live in conf/sentinel.yaml, not here: a missing key is an error.
 */
public record SentinelConfig(Set<Role> roles, String keyPrefix, Path dataDir, RedisSettings redis,
                             HttpSettings http, WorkerSettings worker, WatcherSettings watcher,
                             TaskDefaults tasks, AuthSettings auth, LlmSettings llm, AgentSettings agents,
                             LimitDefaults limits, LogSettings log, MetricsSettings metrics) {

  public record RedisSettings(String url, String type, List<String> sentinels, String masterName,
                              int poolSize, int poolWaiting, String embeddedAppendfsync) {
    public boolean embedded() { return url == null || url.isBlank(); }

    public RedisSettings withUrl(String newUrl) {
      return new RedisSettings(newUrl, type, sentinels, masterName, poolSize, poolWaiting, embeddedAppendfsync);
    }

    public RedisSettings withPoolSize(int size) {
      return new RedisSettings(url, type, sentinels, masterName, size, poolWaiting, embeddedAppendfsync);
    }
  }

  public record HttpSettings(String host, int port, int instances, long maxBodyBytes) {}

  public record WorkerSettings(int instances, int concurrency, long leaseMs, long pollMs, long drainMs,
                               long backoffBaseMs, long backoffMaxMs) {
    /** Leases are renewed three times per lease period, so one lost renewal never loses a lease. */
    public long renewMs() { return Math.max(1, leaseMs / 3); }
  }

  public record WatcherSettings(long intervalMs, long retentionMs, int batch) {}

  /**
   * @param defaultCostLimitNanos the cost_limit a task gets when its submission gives none (or
   *                               null), in nano-USD; 0: such tasks have no limit
   */
  public record TaskDefaults(int defaultMaxAttempts, long defaultCostLimitNanos) {}

  /** A key from the configuration: its SHA-256 digest and what it grants (a tenant, or admin). */
  public record ConfiguredKey(String sha256, String tenantId, boolean admin) {
    @Override public String toString() { return "ConfiguredKey[" + (admin ? "admin" : tenantId) + "]"; }
  }

  public record AuthSettings(List<ConfiguredKey> keys, boolean allowUnauthenticated) {}

  /** A model's cluster-wide limits: requests and tokens per minute (0: none), with bursts. */
  public record ModelLimits(long rpm, long rpmBurst, long tpm, long tpmBurst) {}

  /**
   * provider: auto | openai | mock. auto calls the OpenAI-compatible endpoint when an API key is
   * set or a base URL was chosen ({@code baseUrlChosen}: one other than OpenAI's, or any given in
   * OPENAI_BASE_URL). A base URL alone is a provider that needs no key (Ollama, vLLM, a local
   * LiteLLM), so the client sends none; only with neither does auto run the offline mock, so a
   * forgotten key shows up as the provider's 401 rather than as mock answers. A base URL equal to
   * OpenAI's in a YAML file is not a choice: it is the shipped default, copied. The API key is
   * never logged. {@code maxHoldMs} caps how long a provider's 429 (its Retry-After) holds a model
   * cluster-wide: a misbehaving or hostile endpoint must not stop every worker for a day.
   */
  public record LlmSettings(String provider, String baseUrl, String apiKey, long timeoutMs, int maxRetries,
                            Map<String, ModelLimits> models, long maxRateWaitMs, boolean baseUrlChosen, long maxHoldMs) {
    public static final String OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
    public static final long DEFAULT_MAX_HOLD_MS = 60_000;

    public LlmSettings(String provider, String baseUrl, String apiKey, long timeoutMs, int maxRetries,
                       Map<String, ModelLimits> models, long maxRateWaitMs, boolean baseUrlChosen) {
      this(provider, baseUrl, apiKey, timeoutMs, maxRetries, models, maxRateWaitMs, baseUrlChosen, DEFAULT_MAX_HOLD_MS);
    }

    public LlmSettings(String provider, String baseUrl, String apiKey, long timeoutMs, int maxRetries,
                       Map<String, ModelLimits> models, long maxRateWaitMs) {
      this(provider, baseUrl, apiKey, timeoutMs, maxRetries, models, maxRateWaitMs, !OPENAI_DEFAULT_BASE_URL.equals(baseUrl));
    }

    public LlmSettings(String provider, String baseUrl, String apiKey, long timeoutMs, int maxRetries) {
      this(provider, baseUrl, apiKey, timeoutMs, maxRetries, Map.of(), 2000);
    }

    public ModelLimits limits(String model) { return models.getOrDefault(model, new ModelLimits(0, 1, 0, 1)); }

    public boolean hasApiKey() { return apiKey != null && !apiKey.isBlank(); }

    public boolean useMock() {
      return "mock".equals(provider) || ("auto".equals(provider) && !hasApiKey() && !baseUrlChosen);
    }

    /** Which provider the llm nodes call and why, for the start-up log; never the key. */
    public String providerChoice() {
      if ("mock".equals(provider)) return "mock (llm.provider: mock)";
      if (useMock()) return "mock (offline: neither OPENAI_API_KEY nor OPENAI_BASE_URL set)";
      return "openai-compatible at " + baseUrl + " (" + ("openai".equals(provider) ? "llm.provider: openai, " : "")
          + (hasApiKey() ? "API key set" : "no API key: none sent") + ")";
    }

    @Override public String toString() {
      return "LlmSettings[provider=" + provider + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null || apiKey.isBlank() ? "unset" : "set") + "]";
    }
  }

  /** Per-tenant limits that apply when a tenant has none of its own (0: unlimited). */
  public record LimitDefaults(double submitRate, long submitBurst, long maxQueued, long maxRunning, long llmRpm, long llmTpm) {
    public LimitDefaults(double submitRate, long submitBurst, long maxQueued, long maxRunning) {
      this(submitRate, submitBurst, maxQueued, maxRunning, 0, 0);
    }
  }

  /**
   * An MCP server: its streamable HTTP URL, and headers sent with every request whose values are
   * read from the named environment variables when the node starts (header → variable: a token
   * stays out of the configuration and out of every log).
   */
  public record McpServerSettings(String url, Map<String, String> headerVariables) {
    public McpServerSettings {
      headerVariables = Collections.unmodifiableMap(new LinkedHashMap<>(headerVariables == null ? Map.of() : headerVariables));
    }

    public McpServerSettings(String url) {
      this(url, Map.of());
    }
  }

  /**
   * Agent definitions, tools, budgets and prices. {@code mcpServers}: the MCP servers whose tools
   * agent nodes may offer, by name, in configuration order.
   */
  public record AgentSettings(String dir, List<String> httpAllowedHosts, long httpTimeoutMs, long tenantDailyBudgetNanos,
                              String pricingFile, Map<String, McpServerSettings> mcpServers) {

    public AgentSettings {
      mcpServers = Collections.unmodifiableMap(new LinkedHashMap<>(mcpServers == null ? Map.of() : mcpServers));
    }

    public AgentSettings(String dir, List<String> httpAllowedHosts, long httpTimeoutMs, long tenantDailyBudgetNanos,
                         String pricingFile) {
      this(dir, httpAllowedHosts, httpTimeoutMs, tenantDailyBudgetNanos, pricingFile, Map.of());
    }
  }

  /** How log lines are written (the env var is also read by the launcher, before the first line). */
  public record LogSettings(LogFormat format) {}

  /**
   * The management server and the metrics' label bounds (see README, "Operating Sentinel").
   *
   * @param port           the management server's port (/metrics, /health): -1 none, 0 a free one the OS picks
   * @param tenantLabels   how many tenants this node labels by name before the rest share one value
   * @param tenants        tenants always labelled by name, beyond the cap
   * @param taskTypeLabels the same cap for the caller-chosen task_type
   * @param queueRefreshMs how often watcher nodes read the queue gauges from Redis
   */
  public record MetricsSettings(String host, int port, int tenantLabels, List<String> tenants, int taskTypeLabels,
                                long queueRefreshMs) {
    public boolean managementServer() { return port >= 0; }
  }

  public SentinelConfig withRedis(RedisSettings r) {
    return new SentinelConfig(roles, keyPrefix, dataDir, r, http, worker, watcher, tasks, auth, llm, agents, limits, log, metrics);
  }

  public static SentinelConfig fromJson(JsonObject j) {
    JsonObject r = section(j, "redis"), h = section(j, "http"), w = section(j, "worker"),
        wa = section(j, "watcher"), t = section(j, "tasks");
    int workerInstances = integer(w, "worker.instances", "instances");
    if (workerInstances <= 0) workerInstances = Runtime.getRuntime().availableProcessors();
    SentinelConfig c = new SentinelConfig(
        roles(j.getValue("roles")),
        j.getString("key_prefix", ""),
        Path.of(string(j, "data_dir", "data_dir")).toAbsolutePath().normalize(),
        new RedisSettings(r.getString("url", ""), string(r, "redis.type", "type"),
            strings(r.getValue("sentinels")), string(r, "redis.master_name", "master_name"),
            integer(r, "redis.pool_size", "pool_size"), integer(r, "redis.pool_waiting", "pool_waiting"),
            string(r, "redis.embedded_appendfsync", "embedded_appendfsync")),
        new HttpSettings(string(h, "http.host", "host"), integer(h, "http.port", "port"),
            integer(h, "http.instances", "instances"), number(h, "http.max_body_bytes", "max_body_bytes")),
        new WorkerSettings(workerInstances, integer(w, "worker.concurrency", "concurrency"),
            number(w, "worker.lease_ms", "lease_ms"), number(w, "worker.poll_ms", "poll_ms"),
            number(w, "worker.drain_ms", "drain_ms"), number(w, "worker.backoff_base_ms", "backoff_base_ms"),
            number(w, "worker.backoff_max_ms", "backoff_max_ms")),
        new WatcherSettings(number(wa, "watcher.interval_ms", "interval_ms"),
            number(wa, "watcher.retention_ms", "retention_ms"), integer(wa, "watcher.batch", "batch")),
        new TaskDefaults(integer(t, "tasks.default_max_attempts", "default_max_attempts"),
            usdNanos(t, "tasks.default_cost_limit_usd", "default_cost_limit_usd")),
        auth(j.getValue("auth") instanceof JsonObject a ? a : new JsonObject()),
        llm(j.getValue("llm") instanceof JsonObject l ? l : new JsonObject()),
        agents(j),
        limits(j.getValue("limits") instanceof JsonObject l ? l : new JsonObject()),
        new LogSettings(LogFormat.parse(j.getValue("log") instanceof JsonObject l ? l.getString("format") : null)),
        metrics(section(j, "metrics")));
    c.validate();
    return c;
  }

  private static LlmSettings llm(JsonObject l) {
    String provider = l.getString("provider", "auto");
    if (!Set.of("auto", "openai", "mock").contains(provider)) {
      throw new IllegalArgumentException("configuration: llm.provider must be auto, openai or mock");
    }
    String base = l.getString("base_url", LlmSettings.OPENAI_DEFAULT_BASE_URL).replaceAll("/+$", "");
    boolean baseUrlChosen = !base.equals(LlmSettings.OPENAI_DEFAULT_BASE_URL)
        || l.getBoolean(ConfigLoader.BASE_URL_FROM_ENVIRONMENT, false);
    Map<String, ModelLimits> models = new TreeMap<>();
    JsonObject m = l.getValue("models") instanceof JsonObject o ? o : new JsonObject();
    for (String model : m.fieldNames()) {
      JsonObject x = m.getJsonObject(model);
      long rpm = x.getLong("rpm", 0L), tpm = x.getLong("tpm", 0L);
      models.put(model, new ModelLimits(rpm, x.getLong("rpm_burst", Math.max(1, rpm / 10)), tpm,
          x.getLong("tpm_burst", Math.max(1, tpm / 10))));
    }
    return new LlmSettings(provider, base, l.getString("api_key", ""),
        number(l.copy().put("timeout_ms", l.getValue("timeout_ms", 60000)), "llm.timeout_ms", "timeout_ms"),
        integer(l.copy().put("max_retries", l.getValue("max_retries", 3)), "llm.max_retries", "max_retries"),
        Map.copyOf(models), l.getLong("max_rate_wait_ms", 2000L), baseUrlChosen,
        number(l.copy().put("max_hold_ms", l.getValue("max_hold_ms", LlmSettings.DEFAULT_MAX_HOLD_MS)), "llm.max_hold_ms",
            "max_hold_ms"));
  }

  private static LimitDefaults limits(JsonObject l) {
    double rate = Double.parseDouble(String.valueOf(l.getValue("submit_rate", 0)));
    if (rate < 0) throw new IllegalArgumentException("configuration: limits.submit_rate must be >= 0");
    long llmRpm = Long.parseLong(String.valueOf(l.getValue("llm_rpm", 0)));
    long llmTpm = Long.parseLong(String.valueOf(l.getValue("llm_tpm", 0)));
    if (llmRpm < 0 || llmTpm < 0) throw new IllegalArgumentException("configuration: limits.llm_rpm and limits.llm_tpm must be >= 0");
    return new LimitDefaults(rate, Long.parseLong(String.valueOf(l.getValue("submit_burst", 10))),
        Long.parseLong(String.valueOf(l.getValue("max_queued", 0))), Long.parseLong(String.valueOf(l.getValue("max_running", 0))),
        llmRpm, llmTpm);
  }

  private static MetricsSettings metrics(JsonObject m) {
    return new MetricsSettings(string(m, "metrics.host", "host"), integer(m, "metrics.port", "port"),
        integer(m, "metrics.tenant_labels", "tenant_labels"), strings(m.getValue("tenants")),
        integer(m, "metrics.task_type_labels", "task_type_labels"), number(m, "metrics.queue_refresh_ms", "queue_refresh_ms"));
  }

  private static AgentSettings agents(JsonObject j) {
    JsonObject a = j.getValue("agents") instanceof JsonObject o ? o : new JsonObject();
    JsonObject tools = j.getValue("tools") instanceof JsonObject t ? t : new JsonObject();
    JsonObject http = tools.getValue("http") instanceof JsonObject h ? h : new JsonObject();
    JsonObject budgets = j.getValue("budgets") instanceof JsonObject b ? b : new JsonObject();
    double dailyUsd = Double.parseDouble(String.valueOf(budgets.getValue("tenant_daily_usd", 0)));
    return new AgentSettings(a.getString("dir", ""), strings(http.getValue("allowed_hosts")),
        number(http.copy().put("timeout_ms", http.getValue("timeout_ms", 30000)), "tools.http.timeout_ms", "timeout_ms"),
        Math.round(dailyUsd * 1_000_000_000L), j.getString("pricing_file", ""), mcpServers(j));
  }

  /**
   * mcp.servers: a map name → URL (or → {url, headers: {Header: ENV_VARIABLE}}) in YAML, or
   * "name=url,name=url" (SENTINEL_MCP_SERVERS). A name becomes the prefix of its tools' names
   * ({@code <name>__<tool>}), so it is letters, digits and - (OpenAI's function names allow _ too,
   * but the separator must stay unambiguous).
   */
  private static Map<String, McpServerSettings> mcpServers(JsonObject j) {
    JsonObject mcp = j.getValue("mcp") instanceof JsonObject m ? m : new JsonObject();
    Object v = mcp.getValue("servers");
    Map<String, McpServerSettings> out = new LinkedHashMap<>();
    if (v instanceof JsonObject o) {
      o.forEach(e -> out.put(e.getKey(), e.getValue() instanceof JsonObject server
          ? new McpServerSettings(server.getString("url"), headerVariables(e.getKey(), server.getValue("headers")))
          : new McpServerSettings(String.valueOf(e.getValue()))));
    } else if (v instanceof String s) {
      for (String pair : s.split(",")) {
        if (pair.isBlank()) continue;
        int eq = pair.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("mcp.servers: '" + pair.trim() + "' is not name=url");
        out.put(pair.substring(0, eq).trim(), new McpServerSettings(pair.substring(eq + 1).trim()));
      }
    } else if (v != null) {
      throw new IllegalArgumentException("mcp.servers must be a map of name: url (or name=url,... in SENTINEL_MCP_SERVERS)");
    }
    out.forEach((name, server) -> {
      String url = String.valueOf(server.url());
      if (!name.matches("[A-Za-z0-9-]{1,32}")) {
        throw new IllegalArgumentException("mcp.servers: name '" + name + "' must be 1-32 letters, digits or -");
      }
      URI u;
      try {
        u = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("mcp.servers." + name + ": '" + url + "' is not a URL");
      }
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException("mcp.servers." + name + ": '" + url + "' is not an http(s) URL");
      }
    });
    return out;
  }

  private static Map<String, String> headerVariables(String server, Object headers) {
    Map<String, String> out = new LinkedHashMap<>();
    if (headers == null) return out;
    if (!(headers instanceof JsonObject h)) {
      throw new IllegalArgumentException("mcp.servers." + server + ".headers must map a header to the environment variable holding its value");
    }
    h.forEach(e -> {
      if (!(e.getValue() instanceof String variable) || !variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("mcp.servers." + server + ".headers." + e.getKey()
            + " must name an environment variable (its value is read at start, never written in the configuration)");
      }
      out.put(e.getKey(), variable);
    });
    return out;
  }

  private static AuthSettings auth(JsonObject a) {
    List<ConfiguredKey> keys = new ArrayList<>();
    Object listed = a.getValue("keys");
    if (listed instanceof JsonArray arr) {
      for (int i = 0; i < arr.size(); i++) {
        if (!(arr.getValue(i) instanceof JsonObject k)) throw new IllegalArgumentException("configuration: auth.keys[" + i + "] must be a map");
        String sha = k.getString("sha256", "").toLowerCase(Locale.ROOT);
        if (!sha.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("configuration: auth.keys[" + i + "].sha256 must be 64 hex digits");
        boolean admin = Boolean.parseBoolean(String.valueOf(k.getValue("admin", false)));
        String tenant = k.getString("tenant_id");
        if (!admin && (tenant == null || !tenant.matches("[A-Za-z0-9_.-]{1,128}"))) {
          throw new IllegalArgumentException("configuration: auth.keys[" + i + "] needs a tenant_id or admin: true");
        }
        keys.add(new ConfiguredKey(sha, admin ? null : tenant, admin));
      }
    }
    String adminKey = a.getString("admin_key");
    if (adminKey != null && !adminKey.isBlank()) {
      keys.add(new ConfiguredKey(Sha256.hex(adminKey.trim()), null, true));
    }
    return new AuthSettings(List.copyOf(keys), Boolean.parseBoolean(String.valueOf(a.getValue("allow_unauthenticated", false))));
  }

  private void validate() {
    require(worker.leaseMs() >= 100, "worker.lease_ms must be at least 100");
    require(worker.concurrency() >= 1, "worker.concurrency must be at least 1");
    require(watcher.intervalMs() >= 10, "watcher.interval_ms must be at least 10");
    require(http.port() >= 0 && http.port() <= 65535, "http.port must be 0..65535");
    require(http.instances() >= 1, "http.instances must be at least 1");
    require(metrics.port() >= -1 && metrics.port() <= 65535, "metrics.port must be -1 (off), 0 (a free port) or 1..65535");
    require(metrics.tenantLabels() >= 0 && metrics.taskTypeLabels() >= 0, "metrics.tenant_labels and metrics.task_type_labels must be >= 0");
    require(metrics.queueRefreshMs() >= 100, "metrics.queue_refresh_ms must be at least 100");
    require(tasks.defaultMaxAttempts() >= 1, "tasks.default_max_attempts must be at least 1");
    require(Set.of("standalone", "sentinel").contains(redis.type()), "redis.type must be standalone or sentinel");
    require(Set.of("always", "everysec", "no").contains(redis.embeddedAppendfsync()),
        "redis.embedded_appendfsync must be always, everysec or no");
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("configuration: " + message);
  }

  private static JsonObject section(JsonObject j, String name) {
    Object v = j.getValue(name);
    if (v instanceof JsonObject o) return o;
    throw new IllegalArgumentException("configuration: section '" + name + "' is missing");
  }

  private static Object value(JsonObject j, String path, String key) {
    Object v = j.getValue(key);
    if (v == null) throw new IllegalArgumentException("configuration: '" + path + "' is missing");
    return v;
  }

  private static String string(JsonObject j, String path, String key) {
    return String.valueOf(value(j, path, key));
  }

  private static long number(JsonObject j, String path, String key) {
    Object v = value(j, path, key);
    try {
      return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration: '" + path + "' must be a whole number, got '" + v + "'");
    }
  }

  /** A USD amount (a number or its text), as whole nano-USD. */
  private static long usdNanos(JsonObject j, String path, String key) {
    Object v = value(j, path, key);
    try {
      BigDecimal usd = new BigDecimal(v.toString().trim());
      if (usd.signum() < 0) throw new NumberFormatException();
      return usd.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("configuration: '" + path + "' must be a non-negative USD amount, got '" + v + "'");
    }
  }

  private static int integer(JsonObject j, String path, String key) {
    return Math.toIntExact(number(j, path, key));
  }

  private static Set<Role> roles(Object v) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String s : strings(v)) if (!s.isBlank()) roles.add(Role.parse(s));
    if (roles.isEmpty()) throw new IllegalArgumentException("configuration: 'roles' names no role");
    return roles;
  }

  private static List<String> strings(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray a) a.forEach(x -> out.add(String.valueOf(x)));
    else if (v instanceof String s) for (String p : s.split(",")) if (!p.isBlank()) out.add(p.trim());
    return out;
  }
}
