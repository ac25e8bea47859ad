package dev.sentinel.store;

import dev.sentinel.store.Results.Expired;
import dev.sentinel.store.Results.Promoted;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/** The watcher's sweeps: expired leases, due delayed tasks, retention. Safe to run on every node at once. */
public final class Sweeps {

  private final StoreCore core;

  Sweeps(StoreCore core) {
    this.core = core;
  }

  /** Takes back tasks whose lease ran out; looks at up to {@code batch} entries of `leases`. */
  public Future<Expired> expireLeases(int batch) {
    return core.run(core.scripts().expireLeases(), batch).map(r -> {
      List<String> ids = new ArrayList<>();
      for (int i = 3; i < r.size(); i++) ids.add(r.get(i).toString());
      return new Expired(r.get(0).toInteger(), r.get(1).toInteger(), r.get(2).toInteger(), ids);
    });
  }

  /** Makes tasks whose time has come ready; looks at up to {@code batch} entries of `delayed`. */
  public Future<Promoted> promoteDelayed(int batch) {
    return core.run(core.scripts().promoteDelayed(), batch).map(r -> new Promoted(r.get(0).toInteger(), r.get(1).toInteger()));
  }

  /** Removes up to {@code batch} final tasks older than {@code retentionMs}; answers how many. */
  public Future<Integer> applyRetention(long retentionMs, int batch) {
    return core.run(core.scripts().applyRetention(), retentionMs, batch).map(Response::toInteger);
  }
}
