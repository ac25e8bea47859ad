package dev.sentinel.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link SentinelConfig}: conf/sentinel.yaml from the jar, then the --conf file
 * (deep-merged over it), then SENTINEL_* environment variables, then the --roles flag.
 */
public final class ConfigLoader {

  /** Environment variable -> dotted path in the YAML. Only these are read from the environment. */
  static final Map<String, String> ENV = Map.ofEntries(
      Map.entry("SENTINEL_REDIS_URL", "redis.url"),
      Map.entry("SENTINEL_REDIS_TYPE", "redis.type"),
      Map.entry("SENTINEL_REDIS_SENTINELS", "redis.sentinels"),
      Map.entry("SENTINEL_REDIS_MASTER_NAME", "redis.master_name"),
      Map.entry("SENTINEL_HTTP_HOST", "http.host"),
      Map.entry("SENTINEL_HTTP_PORT", "http.port"),
      Map.entry("SENTINEL_HTTP_INSTANCES", "http.instances"),
      Map.entry("SENTINEL_WORKER_INSTANCES", "worker.instances"),
      Map.entry("SENTINEL_WORKER_CONCURRENCY", "worker.concurrency"),
      Map.entry("SENTINEL_LEASE_MS", "worker.lease_ms"),
      Map.entry("SENTINEL_POLL_MS", "worker.poll_ms"),
      Map.entry("SENTINEL_DRAIN_MS", "worker.drain_ms"),
      Map.entry("SENTINEL_WATCHER_INTERVAL_MS", "watcher.interval_ms"),
      Map.entry("SENTINEL_RETENTION_MS", "watcher.retention_ms"),
      Map.entry("SENTINEL_DATA_DIR", "data_dir"),
      Map.entry("SENTINEL_KEY_PREFIX", "key_prefix"),
      Map.entry("SENTINEL_ROLES", "roles"),
      Map.entry("SENTINEL_ADMIN_KEY", "auth.admin_key"),
      Map.entry("SENTINEL_AUTH_ALLOW_UNAUTHENTICATED", "auth.allow_unauthenticated"),
      // the OpenAI SDK's own variables configure the default provider
      Map.entry("OPENAI_API_KEY", "llm.api_key"),
      Map.entry("OPENAI_BASE_URL", "llm.base_url"),
      Map.entry("SENTINEL_LLM_PROVIDER", "llm.provider"),
      Map.entry("SENTINEL_AGENTS_DIR", "agents.dir"),
      Map.entry("SENTINEL_LOG_FORMAT", "log.format"),
      Map.entry("SENTINEL_METRICS_HOST", "metrics.host"),
      Map.entry("SENTINEL_METRICS_PORT", "metrics.port"),
      Map.entry("SENTINEL_METRICS_TENANT_LABELS", "metrics.tenant_labels"),
      Map.entry("SENTINEL_METRICS_TENANTS", "metrics.tenants"),
      Map.entry("SENTINEL_METRICS_QUEUE_REFRESH_MS", "metrics.queue_refresh_ms"),
      Map.entry("SENTINEL_HTTP_TOOL_ALLOWED_HOSTS", "tools.http.allowed_hosts"),
      Map.entry("SENTINEL_MCP_SERVERS", "mcp.servers"));

  /**
   * Not a setting: the note, under llm, that OPENAI_BASE_URL was set. Once folded, an
   * environment value is indistinguishable from the shipped default, yet OPENAI_BASE_URL set to
   * OpenAI's own URL is still a chosen provider (see {@link SentinelConfig.LlmSettings}).
   */
  static final String BASE_URL_FROM_ENVIRONMENT = "base_url_from_environment";

  private ConfigLoader() {}

  /**
   * @param confFile the --conf file, or null
   * @param roles    the --roles flag, or null
   */
  /** The environment variables a node reads (deployment files are checked against these). */
  public static Set<String> environmentVariables() {
    return ENV.keySet();
  }

  public static Future<SentinelConfig> load(Vertx vertx, String confFile, String roles) {
    if (confFile != null && !Files.isRegularFile(Path.of(confFile))) {
      return Future.failedFuture(new IllegalArgumentException("--conf " + confFile + ": no such file"));
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false)
        .addStore(yaml("conf/sentinel.yaml"));
    if (confFile != null) options.addStore(yaml(confFile));
    options.addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject()
        .put("keys", new JsonArray(ENV.keySet().stream().sorted().toList())).put("raw-data", true)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    retriever.setConfigurationProcessor(ConfigLoader::foldEnvironment);
    return retriever.getConfig()
        .eventually(retriever::close)
        .map(json -> {
          if (roles != null) json.put("roles", roles);
          return SentinelConfig.fromJson(json);
        });
  }

  private static ConfigStoreOptions yaml(String path) {
    return new ConfigStoreOptions().setType("file").setFormat("yaml")
        .setConfig(new JsonObject().put("path", path));
  }

  /** The env store yields flat keys; move each onto its nested path, dropping empty values. */
  static JsonObject foldEnvironment(JsonObject json) {
    boolean baseUrlFromEnvironment = !String.valueOf(json.getValue("OPENAI_BASE_URL", "")).isBlank();
    ENV.forEach((variable, path) -> {
      Object value = json.remove(variable);
      if (value == null || value.toString().isBlank()) return;
      String[] parts = path.split("\\.");
      JsonObject target = json;
      for (int i = 0; i < parts.length - 1; i++) {
        JsonObject next = target.getJsonObject(parts[i]);
        if (next == null) target.put(parts[i], next = new JsonObject());
        target = next;
      }
      target.put(parts[parts.length - 1], value.toString().trim());
    });
    if (baseUrlFromEnvironment) json.getJsonObject("llm").put(BASE_URL_FROM_ENVIRONMENT, true);
    return json;
  }
}
