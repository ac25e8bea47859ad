package dev.sentinel.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The money and rate-limit scripts (lua/ledger/) and the reads next to them, for the cost and
 * llm packages, which parse the answers themselves: their arguments and replies belong to those
 * packages' records. Argument order is each script's header.
 */
public final class LedgerScripts {

  private final StoreCore core;

  LedgerScripts(StoreCore core) {
    this.core = core;
  }

  public Future<Response> recordCall(Object... args) { return core.run(core.scripts().recordCall(), args); }

  public Future<Response> checkBudget(Object... args) { return core.run(core.scripts().checkBudget(), args); }

  public Future<Response> reserveModel(Object... args) { return core.run(core.scripts().reserveModel(), args); }

  public Future<Response> settleModel(Object... args) { return core.run(core.scripts().settleModel(), args); }

  /** Gives back the budget reserved for a call that got no answer, if its task still holds it. */
  public Future<Long> releaseBudget(String taskId, String callId) {
    return core.run(core.scripts().releaseBudget(), taskId, callId).map(Response::toLong);
  }

  /** The raw call records of one task (JSON text each), as record_call.lua stored them. */
  public Future<List<String>> callRecords(String taskId) {
    return core.send(Request.cmd(Command.HVALS).arg(core.keys().calls(taskId))).map(r -> {
      List<String> out = new ArrayList<>();
      if (r != null) for (Response x : r) out.add(x.toString());
      return out;
    });
  }
}
