package dev.sentinel.cost;

import dev.sentinel.store.LedgerScripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Writes call records and their money (record_call.lua) and reads them back. */
public final class CostLedger {

  public record Call(String callId, String taskId, String tenantId, String model, int step, long epoch, String workerId,
                     Usage usage, long nanos, long latencyMs, String priceVersion, String provider) {
    JsonObject toJson() {
      return new JsonObject().put("call_id", callId).put("task_id", taskId).put("tenant_id", tenantId).put("model", model)
          .put("step", step).put("epoch", epoch).put("worker_id", workerId)
          .put("input_tokens", usage.input()).put("output_tokens", usage.output())
          .put("cached_tokens", usage.cachedInput()).put("reasoning_tokens", usage.reasoning())
          .put("nano_usd", nanos).put("latency_ms", latencyMs).put("price_version", priceVersion).put("provider", provider);
    }
  }

  private final LedgerScripts ledger;

  public CostLedger(LedgerScripts ledger) {
    this.ledger = ledger;
  }

  /**
   * Records a call; the budget reserved for it, if its task still holds that, is given back in
   * the same script.
   *
   * @return true when recorded now, false when this call_id was recorded before
   */
  public Future<Boolean> record(Call c) {
    return ledger.recordCall(c.taskId(), c.tenantId(), c.callId(), c.model(), c.nanos(),
        c.usage().input(), c.usage().output(), c.usage().cachedInput(), c.usage().reasoning(), c.toJson().encode())
        .map(r -> "OK".equals(r.get(0).toString()));
  }

  /** A task's calls, in the order they were recorded. */
  public Future<List<JsonObject>> calls(String taskId) {
    return ledger.callRecords(taskId).map(r -> {
      List<JsonObject> out = new ArrayList<>();
      for (String x : r) out.add(new JsonObject(x));
      out.sort(Comparator.comparingLong(j -> j.getLong("recorded_at", 0L)));
      return out;
    });
  }
}
