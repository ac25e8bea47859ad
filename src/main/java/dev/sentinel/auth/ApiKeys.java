package dev.sentinel.auth;

import dev.sentinel.crypto.Sha256;
import dev.sentinel.store.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API keys, stored only as SHA-256 digests: those from the configuration (bootstrap, or keys
 * managed outside Sentinel) and those created through the admin API (in Redis, hash
 * {@code auth:keys}: digest -> record). Keys are never logged; digests are compared in
 * constant time.
 */
public final class ApiKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Redis redis;
  private final Keys keys;
  /** digest (hex) -> record, from configuration. */
  private final Map<String, ApiKeyRecord> configured;

  public ApiKeys(Redis redis, Keys keys, Map<String, ApiKeyRecord> configured) {
    this.redis = redis;
    this.keys = keys;
    this.configured = Map.copyOf(configured);
  }

  /** With no key configured, the API runs open (and only on loopback). */
  public boolean enabled() { return !configured.isEmpty(); }

  public static String digest(String key) {
    return Sha256.hex(key);
  }

  public static String keyId(String digest) { return digest.substring(0, 16); }

  public Future<Optional<Caller>> authenticate(String presentedKey) {
    String digest = digest(presentedKey);
    byte[] presented = digest.getBytes(StandardCharsets.US_ASCII);
    ApiKeyRecord match = null;
    for (Map.Entry<String, ApiKeyRecord> e : configured.entrySet()) {   // no early exit: constant time
      if (MessageDigest.isEqual(presented, e.getKey().getBytes(StandardCharsets.US_ASCII))) match = e.getValue();
    }
    if (match != null) return Future.succeededFuture(Optional.of(match.caller()));
    return redis.send(Request.cmd(Command.HGET).arg(keysHash()).arg(digest))
        .map(r -> Optional.ofNullable(r).map(x -> ApiKeyRecord.fromJson(new JsonObject(x.toString())).caller()));
  }

  public record Created(String apiKey, ApiKeyRecord record) {}

  public Future<Created> create(String tenantId, boolean admin, String name) {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    String apiKey = "snt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String digest = digest(apiKey);
    ApiKeyRecord record = new ApiKeyRecord(keyId(digest), admin ? null : tenantId, admin, name, System.currentTimeMillis());
    return redis.batch(List.of(
            Request.cmd(Command.HSET).arg(keysHash()).arg(digest).arg(record.toJson().encode()),
            Request.cmd(Command.HSET).arg(keyIdsHash()).arg(record.keyId()).arg(digest)))
        .map(r -> new Created(apiKey, record));
  }

  public Future<List<ApiKeyRecord>> list() {
    return redis.send(Request.cmd(Command.HVALS).arg(keysHash())).map(r -> {
      List<ApiKeyRecord> out = new ArrayList<>();
      if (r != null) for (Response x : r) out.add(ApiKeyRecord.fromJson(new JsonObject(x.toString())));
      out.sort(Comparator.comparingLong(ApiKeyRecord::createdAt));
      return out;
    });
  }

  /** @return false when there is no such key (keys from the configuration cannot be revoked here) */
  public Future<Boolean> revoke(String keyId) {
    return redis.send(Request.cmd(Command.HGET).arg(keyIdsHash()).arg(keyId)).compose(d -> {
      if (d == null) return Future.succeededFuture(false);
      return redis.batch(List.of(Request.cmd(Command.HDEL).arg(keysHash()).arg(d.toString()),
          Request.cmd(Command.HDEL).arg(keyIdsHash()).arg(keyId))).map(x -> true);
    });
  }

  private String keysHash() { return keys.apiKeys(); }

  private String keyIdsHash() { return keys.apiKeyIds(); }
}
