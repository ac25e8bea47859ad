package dev.sentinel.store;

import dev.sentinel.store.TaskQueries.Page;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listing without per-status indexes: each status is listed from the index that holds it, and
 * a page costs about the page, however many tasks other tenants hold. The cost is counted in
 * Redis commands (INFO commandstats, which counts the commands scripts call too).
 */
class ListingTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  static StoreFixture f;
  static final int OTHERS = 100_000;
  static final List<String> smallCompleted = new ArrayList<>();
  static final List<String> smallQueued = new ArrayList<>();

  /**
   * The other tenant's 100,000 finished tasks, written as commit_steps leaves a completed task
   * (hash, indexes, counters), in one call: through the scripts they would take a minute.
   */
  private static final String FILL = """
      local P, n, t0 = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
      for i = 1, n do
        local id = 'big-' .. i
        redis.call('HSET', P .. 'task:' .. id .. ':meta', 'task_id', id, 'status', 'completed', 'tenant_id', 'big',
          'agent_type', 'noop', 'task_type', 'bulk', 'created_at', t0 + i, 'completed_at', t0 + i)
        redis.call('ZADD', P .. 'finished', t0 + i, id)
        redis.call('ZADD', P .. 'tenant:big:tasks', t0 + i, id)
      end
      redis.call('HINCRBY', P .. 'counts', 'completed', n)
      redis.call('HINCRBY', P .. 'counts', 'total', n)
      redis.call('HINCRBY', P .. 'counts:big', 'completed', n)
      redis.call('HINCRBY', P .. 'counts:big', 'total', n)
      redis.call('SADD', P .. 'tenants', 'big')
      return n""";

  @BeforeAll static void start() {
    f = redis.fixture();
    for (int i = 0; i < 25; i++) {
      String id = f.submit("small");
      ClaimedTask t = f.claimOne("w", 60_000);
      f.leases.commitStep(StepCommit.of(t.id(), t.lease(), 1, "only", null, null, new JsonObject(), new JsonObject()), "w", 60_000)
          .await();
      smallCompleted.add(id);
    }
    for (int i = 0; i < 7; i++) smallQueued.add(f.submit("small"));
    for (int i = 0; i < 5; i++) f.submit("other");
    // the other tenant's tasks finished after ours: a walk of `finished`, newest first, would meet them all first
    f.cmd(Command.EVAL, FILL, 1, f.keys.prefix(), OTHERS, f.queries.redisNow().await() + 1000);
  }

  @AfterAll static void stop() {
    f.close();
  }

  private long commands() {
    long sum = 0;
    for (String line : f.cmd(Command.INFO, "commandstats").toString().split("\\r?\\n")) {
      int at = line.indexOf("calls=");
      if (line.startsWith("cmdstat_") && at > 0) sum += Long.parseLong(line.substring(at + 6, line.indexOf(',', at)));
    }
    return sum;
  }

  /** Commands one page costs, the INFO call that measures it taken out. */
  private long cost(TaskFilter filter, int limit) {
    long before = commands();
    f.queries.listTaskIds(filter, "", 0, limit, 20_000).await();
    return commands() - before - 1;
  }

  @Test void aPageOfOneTenantCostsAboutThePageThoughAnotherHoldsAHundredThousandFinishedTasks() {
    assertThat(f.cmd(Command.ZCARD, f.keys.finished()).toLong()).isEqualTo(OTHERS + 25);
    // one tenant's completed tasks: its own index is walked, not `finished`
    assertThat(cost(new TaskFilter("completed", "small", null, null), 10)).isLessThanOrEqualTo(40);
    // one tenant's tasks, any status
    assertThat(cost(new TaskFilter(null, "small", null, null), 10)).isLessThanOrEqualTo(40);
    // every tenant's completed tasks: the newest of `finished`
    assertThat(cost(new TaskFilter("completed", null, null, null), 10)).isLessThanOrEqualTo(40);
    // queued tasks of every tenant: the ring's queues, merged
    assertThat(cost(new TaskFilter("queued", null, null, null), 10)).isLessThanOrEqualTo(40);
  }

  @Test void totalsComeFromTheCountersAndFiltersHold() {
    Page page = f.queries.listTaskIds(new TaskFilter("completed", "small", null, null), "", 0, 10, 20_000).await();
    assertThat(page.total()).isEqualTo(25);
    assertThat(page.taskIds()).hasSize(10).allMatch(smallCompleted::contains);
    assertThat(f.queries.listTaskIds(new TaskFilter("completed", null, null, null), "", 0, 5, 20_000).await().total())
        .isEqualTo(OTHERS + 25);
    assertThat(f.queries.listTaskIds(new TaskFilter("queued", "small", null, null), "", 0, 100, 20_000).await().taskIds())
        .containsExactlyInAnyOrderElementsOf(smallQueued);
    assertThat(f.queries.listTaskIds(new TaskFilter("in_progress", null, null, null), "", 0, 100, 20_000).await().taskIds())
        .isEmpty();
  }

  @Test void cursorPagingVisitsEveryMatchOnceAcrossTenantsAndStatuses() {
    assertThat(walk(new TaskFilter("completed", "small", null, null), 4)).containsExactlyInAnyOrderElementsOf(smallCompleted);
    Set<String> queued = walk(new TaskFilter("queued", null, null, null), 3);
    assertThat(queued).hasSize(12).containsAll(smallQueued);
    Set<String> small = walk(new TaskFilter(null, "small", null, null), 6);
    assertThat(small).hasSize(32).containsAll(smallCompleted).containsAll(smallQueued);
  }

  private Set<String> walk(TaskFilter filter, int limit) {
    Set<String> seen = new HashSet<>();
    String cursor = "";
    for (int pages = 0; pages < 100; pages++) {
      Page p = f.queries.listTaskIds(filter, cursor, 0, limit, 20_000).await();
      for (String id : p.taskIds()) assertThat(seen.add(id)).as("visited once: " + id).isTrue();
      if (p.nextCursor() == null) return seen;
      cursor = p.nextCursor();
    }
    throw new AssertionError("paging did not end");
  }
}
