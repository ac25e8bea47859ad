package dev.sentinel.bench;

import dev.sentinel.store.Keys;
import dev.sentinel.store.NewTask;
import dev.sentinel.store.Replies.SubmitReply;
import dev.sentinel.store.Store;
import dev.sentinel.store.TaskCommands;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Queues noop tasks fast, through the same submit script the API calls (TaskCommands.submit, so
 * the stored state is exactly what POST /tasks leaves), with many calls in flight on pooled
 * connections. It skips HTTP on purpose: a backlog of 100,000 tasks queues several times
 * faster this way, and the HTTP path has its own benchmark (bench/submit.sh).
 */
public final class TaskLoader {

  private static final int IN_FLIGHT = 512;
  private static final int TENANTS = 8;

  private TaskLoader() {}

  /** Queues `tasks` noop tasks of `steps` steps; returns their ids in submission order. */
  public static List<String> queue(String redisUrl, int tasks, int steps) {
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl).setMaxPoolSize(8).setMaxPoolWaiting(IN_FLIGHT * 2));
    try {
      Store store = Store.open(redis, new Keys(""));
      store.loadScripts().await();
      store.checkLayout().await();
      TaskCommands commands = store.commands();
      Semaphore window = new Semaphore(IN_FLIGHT);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<String> ids = new ArrayList<>(tasks);
      for (int i = 0; i < tasks && failure.get() == null; i++) {
        String id = UUID.randomUUID().toString();
        ids.add(id);
        NewTask t = new NewTask(id, "tenant-" + (i % TENANTS), "noop", "bench", new JsonObject().put("steps", steps), 3, 0, null, null);
        window.acquireUninterruptibly();
        commands.submit(t).onComplete(ar -> {
          if (ar.failed()) failure.compareAndSet(null, ar.cause());
          else if (ar.result().reply() != SubmitReply.OK) failure.compareAndSet(null, new IllegalStateException("submit answered " + ar.result().reply()));
          window.release();
        });
      }
      window.acquireUninterruptibly(IN_FLIGHT);
      if (failure.get() != null) throw new IllegalStateException("queueing the backlog failed", failure.get());
      return ids;
    } finally {
      redis.close();
      vertx.close().await();
    }
  }
}
