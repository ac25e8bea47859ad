package dev.sentinel.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The agent graph versions kept in Redis by content hash (agent_version.lua): what lets a task
 * pinned to a version run on a node whose own definition of the agent has changed since, or
 * that no longer has the agent at all.
 */
public final class AgentDefinitions {

  /** One kept version: its hash and when it was first registered (Redis ms). */
  public record KeptVersion(String version, long registeredAt) {}

  private final StoreCore core;

  AgentDefinitions(StoreCore core) {
    this.core = core;
  }

  /** Keeps a version's spec; true when it was new. Idempotent: a version's content never changes. */
  public Future<Boolean> keep(String agent, String version, String specJson) {
    return core.run(core.scripts().agentVersion(), agent, version, specJson).map(r -> r.toLong() == 1);
  }

  /** The spec text of a kept version, or empty when Redis does not hold it. */
  public Future<Optional<String>> spec(String agent, String version) {
    return core.send(Request.cmd(Command.GET).arg(core.keys().agentDefinition(agent, version)))
        .map(r -> Optional.ofNullable(StoreCore.str(r)));
  }

  /** An agent's kept versions, oldest first. */
  public Future<List<KeptVersion>> versions(String agent) {
    return core.send(Request.cmd(Command.ZRANGE).arg(core.keys().agentVersions(agent)).arg(0).arg(-1).arg("WITHSCORES"))
        .map(r -> {
          List<KeptVersion> out = new ArrayList<>();
          if (r == null) return out;
          // RESP3 answers pairs, RESP2 a flat list
          for (int i = 0; i < r.size(); i++) {
            Response e = r.get(i);
            if (e.type() == ResponseType.MULTI) {
              out.add(new KeptVersion(e.get(0).toString(), e.get(1).toDouble().longValue()));
            } else {
              out.add(new KeptVersion(e.toString(), r.get(++i).toDouble().longValue()));
            }
          }
          return out;
        });
  }

  /** The names of agents with kept versions, sorted. */
  public Future<List<String>> agents() {
    return core.send(Request.cmd(Command.SMEMBERS).arg(core.keys().agents())).map(r -> {
      TreeSet<String> names = new TreeSet<>();
      if (r != null) for (Response x : r) names.add(x.toString());
      return new ArrayList<>(names);
    });
  }
}
