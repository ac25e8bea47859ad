package dev.sentinel.signal;

import dev.sentinel.store.Keys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Publishes streamed LLM output to every node's {@link RedisSignalBridge} (one shared channel:
 * the API node a client follows a task on is usually not the worker running it). PUBLISH only:
 * tokens are never written to a key, so they cost Redis no memory and no AOF.
 * The pooled client may send two PUBLISHes on two connections, so a caller that cares about
 * order (every streaming node does) sends the next chunk only once the previous one is done.
 */
public final class TokenPublisher {

  private final Redis redis;
  private final Keys keys;

  public TokenPublisher(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  public Future<Void> publish(TokenChunk chunk) {
    return redis.send(Request.cmd(Command.PUBLISH).arg(keys.tokenSignal()).arg(chunk.toJson().encode())).mapEmpty();
  }
}
