package dev.sentinel.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

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
         "tasks":{"default_max_attempts":3}}""");
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

  @Test void zeroWorkerInstancesMeansOnePerCore() {
    JsonObject j = defaults();
    j.getJsonObject("worker").put("instances", 0);
    assertThat(SentinelConfig.fromJson(j).worker().instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }
}
