package dev.sentinel.bench;

import dev.sentinel.config.SentinelConfig.LlmSettings;
import dev.sentinel.config.SentinelConfig.ModelLimits;
import dev.sentinel.llm.ModelRateLimiter;
import dev.sentinel.store.Keys;
import dev.sentinel.store.Store;
import dev.sentinel.testing.RedisServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The model limiter's cost: decisions per second (reserve_model.lua, RPM and TPM checked and
 * taken together) with N decisions in flight, and the latency it adds before each llm call
 * (one reserve round trip; the settle after the call is off the call's critical path only in
 * part, so both are reported). Fresh redis-server, AOF off.
 *
 * <pre>java -cp target/sentinel.jar:target/test-classes LimiterBench [inFlight] [seconds]</pre>
 */
public final class LimiterBench {

  public static void main(String[] args) throws Exception {
    int inFlight = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    try (RedisServerProcess server = RedisServerProcess.start()) {
      Vertx vertx = Vertx.vertx();
      Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()).setMaxPoolSize(16).setMaxPoolWaiting(1024));
      LlmSettings settings = new LlmSettings("openai", "http://x", "", 1000, 0,
          Map.of("m", new ModelLimits(100_000_000, 1_000_000, 1_000_000_000, 100_000_000)), 2000);   // never binding
      ModelRateLimiter limiter = new ModelRateLimiter(Store.open(redis, new Keys("")).ledger(), settings);
      limiter.reserve("m", null, 1).await();
      // latency, one at a time
      List<Long> reserve = new ArrayList<>(), settle = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        long t = System.nanoTime();
        ModelRateLimiter.Reservation granted = limiter.reserve("m", null, 700).await();
        long r = System.nanoTime();
        limiter.settle((ModelRateLimiter.Granted) granted, 512).await();
        settle.add(System.nanoTime() - r);
        reserve.add(r - t);
      }
      Collections.sort(reserve);
      Collections.sort(settle);
      // throughput, inFlight at once
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long decisions = 0;
      long t0 = System.nanoTime();
      while (System.nanoTime() < end) {
        List<Future<ModelRateLimiter.Reservation>> batch = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) batch.add(limiter.reserve("m", null, 700));
        Future.join(batch).await();
        decisions += inFlight;
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("limiter: %.0f decisions/s with %d in flight%n", decisions / s, inFlight);
      System.out.printf("added latency per llm call: reserve p50 %.3f ms, p99 %.3f ms; settle p50 %.3f ms, p99 %.3f ms%n",
          reserve.get(reserve.size() / 2) / 1e6, reserve.get(reserve.size() * 99 / 100) / 1e6,
          settle.get(settle.size() / 2) / 1e6, settle.get(settle.size() * 99 / 100) / 1e6);
      redis.close();
      vertx.close().await();
    }
  }
}
