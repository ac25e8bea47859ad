package dev.sentinel.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Key layout 2 to 3: money from integer micro-USD to integer nano-USD (lua/migrations/
 * money_to_nanos.lua). Every hash that holds money is found with SCAN (task hashes and their
 * call records, the tenants' cost and limit hashes) and converted a batch at a time; the script
 * converts each key whole and only once, so a migration that stops half-way (the node died) is
 * simply run again by the next node that starts, and two nodes migrating at once do no harm.
 * Nodes of the build that wrote layout 2 must be stopped first: they would go on writing micro-USD.
 */
final class MoneyMigration {

  private static final System.Logger LOG = System.getLogger(MoneyMigration.class.getName());
  private static final int SCAN_COUNT = 1000;

  private final StoreCore core;
  private final LuaScript script = LuaScript.load("migrations/money_to_nanos");

  MoneyMigration(StoreCore core) {
    this.core = core;
  }

  /** Converts every money field; completes with the number of fields converted. */
  Future<Long> run() {
    String p = core.keys().prefix();
    List<String> patterns = List.of(p + "task:*:meta", p + "task:*:calls", p + "cost:tenant:*", p + "limits:tenant:*");
    Future<Long> total = Future.succeededFuture(0L);
    for (String pattern : patterns) total = total.compose(sum -> scan(pattern, "0", sum));
    return total.onSuccess(n -> LOG.log(System.Logger.Level.INFO, "key layout 2 -> " + Keys.LAYOUT_VERSION
        + ": " + n + " money fields converted from micro-USD to nano-USD"));
  }

  private Future<Long> scan(String pattern, String cursor, long sum) {
    return core.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(SCAN_COUNT)
            .arg("TYPE").arg("hash"))
        .compose(r -> {
          String next = r.get(0).toString();
          List<Object> keys = new ArrayList<>();
          for (Response k : r.get(1)) keys.add(k.toString());
          Future<Long> batch = keys.isEmpty() ? Future.succeededFuture(0L)
              : core.run(script, keys.toArray()).map(Response::toLong);
          return batch.compose(n -> "0".equals(next) ? Future.succeededFuture(sum + n) : scan(pattern, next, sum + n));
        });
  }
}
