package dev.sentinel.config;

import dev.sentinel.config.SentinelConfig.LlmSettings;
import dev.sentinel.config.SentinelConfig.McpServerSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.EnumSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

  private static JsonObject defaults() {
    return new JsonObject("""
        {"roles":["api","worker","watcher"],"key_prefix":"","data_dir":"./data",
         "redis":{"url":"","type":"standalone","sentinels":[],"master_name":"m","pool_size":4,"pool_waiting":8,"embedded_appendfsync":"everysec"},
         "http":{"host":"127.0.0.1","port":8000,"instances":1,"max_body_bytes":1048576},
         "worker":{"instances":2,"concurrency":3,"lease_ms":15000,"poll_ms":5000,"drain_ms":1000,"backoff_base_ms":1000,"backoff_max_ms":300000},
         "watcher":{"interval_ms":1000,"retention_ms":604800000,"batch":100},
         "tasks":{"default_max_attempts":3,"default_cost_limit_usd":10.0},
         "metrics":{"host":"127.0.0.1","port":8001,"tenant_labels":20,"tenants":[],"task_type_labels":50,"queue_refresh_ms":5000}}""");
  }

  @Test void environmentVariablesLandOnTheirNestedKeys() {
    JsonObject j = defaults()
        .put("SENTINEL_REDIS_URL", "redis://10.0.0.5:6380")
        .put("SENTINEL_HTTP_PORT", "9001")
        .put("SENTINEL_LEASE_MS", "30000")
        .put("SENTINEL_WORKER_CONCURRENCY", "64")
        .put("SENTINEL_ROLES", "worker,watcher")
        .put("SENTINEL_DATA_DIR", "  ");   // blank: ignored, default kept
    SentinelConfig c = SentinelConfig.fromJson(ConfigLoader.foldEnvironment(j));
    assertThat(c.redis().url()).isEqualTo("redis://10.0.0.5:6380");
    assertThat(c.redis().embedded()).isFalse();
    assertThat(c.http().port()).isEqualTo(9001);
    assertThat(c.worker().leaseMs()).isEqualTo(30000);
    assertThat(c.worker().renewMs()).isEqualTo(10000);
    assertThat(c.worker().concurrency()).isEqualTo(64);
    assertThat(c.roles()).isEqualTo(EnumSet.of(Role.WORKER, Role.WATCHER));
    assertThat(c.dataDir().toString()).endsWith("data");
  }

  @Test void theManagementPortAndTheLabelBoundsComeFromTheEnvironment() {
    SentinelConfig c = SentinelConfig.fromJson(ConfigLoader.foldEnvironment(defaults()
        .put("SENTINEL_METRICS_PORT", "0").put("SENTINEL_METRICS_HOST", "0.0.0.0")
        .put("SENTINEL_METRICS_TENANT_LABELS", "3").put("SENTINEL_METRICS_TENANTS", "acme, globex")));
    assertThat(c.metrics().port()).isZero();
    assertThat(c.metrics().managementServer()).as("0: a free port, still a server").isTrue();
    assertThat(c.metrics().host()).isEqualTo("0.0.0.0");
    assertThat(c.metrics().tenantLabels()).isEqualTo(3);
    assertThat(c.metrics().tenants()).containsExactly("acme", "globex");
    assertThat(SentinelConfig.fromJson(ConfigLoader.foldEnvironment(defaults().put("SENTINEL_METRICS_PORT", "-1")))
        .metrics().managementServer()).as("-1: none").isFalse();
    assertThatThrownBy(() -> SentinelConfig.fromJson(ConfigLoader.foldEnvironment(defaults().put("SENTINEL_METRICS_PORT", "-2"))))
        .hasMessageContaining("metrics.port");
    assertThatThrownBy(() -> SentinelConfig.fromJson(ConfigLoader.foldEnvironment(defaults().put("SENTINEL_METRICS_PORT", "x"))))
        .hasMessageContaining("metrics.port");
  }

  @Test void mcpServersComeFromYamlAsAMapOrFromTheEnvironmentAsNameEqualsUrlPairs() {
    assertThat(SentinelConfig.fromJson(defaults()).agents().mcpServers()).isEmpty();
    SentinelConfig yaml = SentinelConfig.fromJson(defaults().put("mcp", new JsonObject().put("servers",
        new JsonObject().put("everything", "http://127.0.0.1:3001/mcp").put("docs", "https://mcp.example.com/mcp"))));
    assertThat(yaml.agents().mcpServers()).containsExactly(
        Map.entry("everything", new McpServerSettings("http://127.0.0.1:3001/mcp")),
        Map.entry("docs", new McpServerSettings("https://mcp.example.com/mcp")));
    SentinelConfig withHeaders = SentinelConfig.fromJson(defaults().put("mcp", new JsonObject().put("servers",
        new JsonObject().put("docs", new JsonObject().put("url", "https://mcp.example.com/mcp")
            .put("headers", new JsonObject().put("Authorization", "DOCS_MCP_AUTH"))))));
    assertThat(withHeaders.agents().mcpServers().get("docs").headerVariables()).as("the variable's name, never its value")
        .containsExactly(Map.entry("Authorization", "DOCS_MCP_AUTH"));
    assertThatThrownBy(() -> SentinelConfig.fromJson(defaults().put("mcp", new JsonObject().put("servers",
        new JsonObject().put("docs", new JsonObject().put("url", "https://mcp.example.com/mcp")
            .put("headers", new JsonObject().put("Authorization", "Bearer abc"))))))).hasMessageContaining("environment variable");
    SentinelConfig env = SentinelConfig.fromJson(ConfigLoader.foldEnvironment(defaults()
        .put("mcp", new JsonObject().put("servers", new JsonObject().put("old", "http://old/mcp")))
        .put("SENTINEL_MCP_SERVERS", "a=http://127.0.0.1:3001/mcp, b=http://127.0.0.1:3002/mcp")));
    assertThat(env.agents().mcpServers()).as("the env replaces the YAML's map")
        .containsExactly(Map.entry("a", new McpServerSettings("http://127.0.0.1:3001/mcp")),
            Map.entry("b", new McpServerSettings("http://127.0.0.1:3002/mcp")));
    assertThatThrownBy(() -> SentinelConfig.fromJson(ConfigLoader.foldEnvironment(defaults().put("SENTINEL_MCP_SERVERS", "nourl"))))
        .hasMessageContaining("mcp.servers").hasMessageContaining("name=url");
    assertThatThrownBy(() -> SentinelConfig.fromJson(ConfigLoader.foldEnvironment(defaults().put("SENTINEL_MCP_SERVERS", "a_b=http://x/mcp"))))
        .as("the name prefixes tool names: <name>__<tool> must stay readable").hasMessageContaining("a_b");
    assertThatThrownBy(() -> SentinelConfig.fromJson(ConfigLoader.foldEnvironment(defaults().put("SENTINEL_MCP_SERVERS", "a=ftp://x/mcp"))))
        .hasMessageContaining("http(s)");
  }

  @Test void badValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> SentinelConfig.fromJson(ConfigLoader.foldEnvironment(defaults().put("SENTINEL_HTTP_PORT", "eighty"))))
        .hasMessageContaining("http.port");
    assertThatThrownBy(() -> SentinelConfig.fromJson(defaults().put("roles", "api,cook")))
        .hasMessageContaining("unknown role 'cook'");
    JsonObject tiny = defaults();
    tiny.getJsonObject("worker").put("lease_ms", 5);
    assertThatThrownBy(() -> SentinelConfig.fromJson(tiny)).hasMessageContaining("worker.lease_ms");
    JsonObject missing = defaults();
    missing.getJsonObject("watcher").remove("interval_ms");
    assertThatThrownBy(() -> SentinelConfig.fromJson(missing)).hasMessageContaining("watcher.interval_ms");
  }

  /**
   * provider (llm.provider) | base_url (a YAML value; empty: the shipped default) | OPENAI_BASE_URL |
   * OPENAI_API_KEY (empty: unset) | the provider chosen, as the start-up log says it.
   */
  @ParameterizedTest(name = "{0} | {1} | {2} | {3}: {4}")
  @CsvSource(delimiter = '|', textBlock = """
      auto   |                             |                           |         | mock (offline: neither OPENAI_API_KEY nor OPENAI_BASE_URL set)
      auto   |                             | '  '                      |         | mock (offline: neither OPENAI_API_KEY nor OPENAI_BASE_URL set)
      auto   |                             | http://localhost:11434/v1 |         | openai-compatible at http://localhost:11434/v1 (no API key: none sent)
      auto   |                             | http://localhost:8000/v1/ |         | openai-compatible at http://localhost:8000/v1 (no API key: none sent)
      auto   |                             | https://api.openai.com/v1 |         | openai-compatible at https://api.openai.com/v1 (no API key: none sent)
      auto   | http://vllm.internal:8000/v1 |                          |         | openai-compatible at http://vllm.internal:8000/v1 (no API key: none sent)
      auto   | https://api.openai.com/v1/  |                           |         | mock (offline: neither OPENAI_API_KEY nor OPENAI_BASE_URL set)
      auto   |                             |                           | sk-test | openai-compatible at https://api.openai.com/v1 (API key set)
      auto   |                             | http://localhost:11434/v1 | sk-test | openai-compatible at http://localhost:11434/v1 (API key set)
      mock   |                             | http://localhost:11434/v1 | sk-test | mock (llm.provider: mock)
      openai |                             |                           |         | openai-compatible at https://api.openai.com/v1 (llm.provider: openai, no API key: none sent)
      """)
  void autoCallsTheOpenAiCompatibleClientWhenAKeyOrABaseUrlIsSetAndTheMockOnlyWithNeither(
      String provider, String yamlBaseUrl, String envBaseUrl, String envKey, String chosen) {
    // the llm section as conf/sentinel.yaml ships it, then a --conf value, then the environment
    JsonObject llm = new JsonObject().put("provider", provider).put("base_url", "https://api.openai.com/v1").put("api_key", "");
    if (yamlBaseUrl != null) llm.put("base_url", yamlBaseUrl);
    JsonObject j = defaults().put("llm", llm);
    if (envBaseUrl != null) j.put("OPENAI_BASE_URL", envBaseUrl);
    if (envKey != null) j.put("OPENAI_API_KEY", envKey);
    LlmSettings s = SentinelConfig.fromJson(ConfigLoader.foldEnvironment(j)).llm();
    assertThat(s.providerChoice()).isEqualTo(chosen);
    assertThat(s.useMock()).isEqualTo(chosen.startsWith("mock"));
    if (envKey != null) assertThat(s.providerChoice() + " " + s).doesNotContain(envKey);
  }

  @Test void zeroWorkerInstancesMeansOnePerCore() {
    JsonObject j = defaults();
    j.getJsonObject("worker").put("instances", 0);
    assertThat(SentinelConfig.fromJson(j).worker().instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }
}
