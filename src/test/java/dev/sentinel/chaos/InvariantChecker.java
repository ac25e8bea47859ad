package dev.sentinel.chaos;

import dev.sentinel.chaos.Violation.Invariant;
import dev.sentinel.store.TaskQueries;
import dev.sentinel.testing.OpenAiStub;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what a chaos run left in Redis (plus the run's own history: acknowledged submissions,
 * injected faults, the stub's ledger) and lists every violated invariant. It never stops at the
 * first: a list with details is what makes a failed run debuggable.
 */
final class InvariantChecker {

  /**
   * A write sent just before a kill or SIGSTOP landed may still be executed by Redis a moment
   * after the fault's recorded time (it was already in the socket): such a finish by the faulted
   * claim itself is not an orphaned task.
   */
  static final long IN_FLIGHT_GRACE_MS = 200;

  /**
   * A call checked just before the lease deadline reaches the stub a little after it (the
   * check, then the HTTP write, on a loaded machine). Generous, and for a partition it loses
   * nothing: a worker cut off from Redis can start no call meanwhile (each first asks Redis for
   * budget and rate room), so a zombie's call comes after the heal, at least a watcher pass + 1 s
   * past the deadline (the faults last {@link ChaosSettings#reclaimBoundMs()} or more). A pause
   * is different: SIGSTOP can land between a call's check and its send, and the call, started in
   * time, leaves on waking, just when a zombie's calls would; so for a pause only arrivals later
   * than the resume plus this are judged (found by a long run: a step-5 call arrived 25 ms after
   * SIGCONT, 2.1 s past the deadline, with every check of the worker in place).
   */
  static final long CALL_SEND_GRACE_MS = 500;

  /** What the run itself recorded, besides Redis. */
  record RunHistory(List<LoadGenerator.Submission> acknowledged, List<Fault> faults, List<OpenAiStub.Call> stubBilled,
                    List<OpenAiStub.Received> stubReceived, Map<String, JsonObject> inputsDelivered) {}

  /** The verdict and the figures a report needs. */
  record Report(List<Violation> violations, Map<String, Long> figures) {
    boolean violated(Invariant i) { return violations.stream().anyMatch(v -> v.invariant() == i); }

    long count(Invariant i) { return violations.stream().filter(v -> v.invariant() == i).count(); }
  }

  private final ChaosSettings settings;
  private final List<Violation> violations = new ArrayList<>();
  private final Map<String, Long> figures = new LinkedHashMap<>();

  private InvariantChecker(ChaosSettings settings) { this.settings = settings; }

  static Report check(ChaosSettings settings, RedisSnapshot redis, RunHistory run) {
    InvariantChecker c = new InvariantChecker(settings);
    c.everyAcknowledgedTaskIsFinal(redis, run);
    for (TaskRecord t : redis.tasks().values()) {
      c.eachStepCommittedOnceWithTheExpectedResult(t);
      c.everyWriteCarriesTheCurrentClaim(t);
    }
    c.waitsHeld(redis, run);
    c.everyZombieHadAWriteRefused(redis, run);
    c.orphanedTasksAreClaimedAgainInTime(redis, run);
    c.costsAgreeWithTheProvidersLedger(redis, run);
    c.noCallStartedAfterTheLease(redis, run);
    c.indexesAndCountersAgreeWithTheTasks(redis);
    c.figures.put("tasks_in_redis", (long) redis.tasks().size());
    c.figures.put("acknowledged", (long) run.acknowledged().size());
    c.figures.put("refused_writes", (long) redis.refused().size());
    c.figures.put("faults", (long) run.faults().size());
    for (FaultKind k : FaultKind.values()) {
      c.figures.put("faults_" + k.name().toLowerCase(), run.faults().stream().filter(f -> f.kind() == k).count());
    }
    c.figures.put("partitions_dropping", run.faults().stream().filter(f -> "drop".equals(f.variant())).count());
    c.figures.put("claims", redis.tasks().values().stream().mapToLong(t -> t.eventsOf("claimed").size()).sum());
    c.figures.put("expiries", redis.tasks().values().stream().mapToLong(t -> t.eventsOf("expired").size()).sum());
    return new Report(List.copyOf(c.violations), c.figures);
  }

  private void violation(Invariant i, String subject, String detail) { violations.add(new Violation(i, subject, detail)); }

  // ---- 1 ----------------------------------------------------------------------------------

  private void everyAcknowledgedTaskIsFinal(RedisSnapshot redis, RunHistory run) {
    long completed = 0;
    for (LoadGenerator.Submission s : run.acknowledged()) {
      TaskRecord t = redis.tasks().get(s.taskId());
      if (t == null) {
        violation(Invariant.FINAL, "task " + s.taskId(), "acknowledged with 201 but not in Redis (lost), or not in its tenant's listing");
      } else if (!"completed".equals(t.status())) {
        violation(Invariant.FINAL, "task " + s.taskId(), "status " + t.status() + " (step " + t.meta().get("step")
            + ", attempts " + t.meta().get("attempts") + ", error '" + t.meta().getOrDefault("error", "") + "')");
      } else {
        completed++;
      }
    }
    figures.put("acknowledged_completed", completed);
  }

  // ---- 2 ----------------------------------------------------------------------------------

  private void eachStepCommittedOnceWithTheExpectedResult(TaskRecord t) {
    String subject = "task " + t.id();
    List<StreamEntry> stepEvents = t.eventsOf("step");
    List<Integer> eventSteps = stepEvents.stream().map(e -> Integer.parseInt(e.get("step"))).toList();
    int n = eventSteps.size();
    for (int i = 0; i < n; i++) {
      if (eventSteps.get(i) != i + 1) {
        violation(Invariant.EXACTLY_ONCE, subject, "step events are " + eventSteps + ", not 1.." + n + " each once");
        break;
      }
    }
    // the step records are the history's own (one list holds events, steps and the checkpoint):
    // the independent witness is the task hash, whose `step` the same commit sets
    String hashStep = t.meta().getOrDefault("step", "0");
    String lastStep = n == 0 ? "0" : String.valueOf(eventSteps.get(n - 1));
    if (!hashStep.equals(lastStep)) {
      violation(Invariant.EXACTLY_ONCE, subject, "the task hash says step " + hashStep + ", its history's step records are "
          + eventSteps);
    }
    WaitTaskModel waits = t.waitModel();
    List<String> nodes = waits == null ? ChainAgentModel.NODES : waits.nodes();
    for (int i = 0; i < Math.min(n, t.steps().size()); i++) {
      JsonObject rec = t.steps().get(i);
      String expectedNode = i < nodes.size() ? nodes.get(i) : "(none)";
      if (!expectedNode.equals(rec.getString("node"))) {
        violation(Invariant.EXACTLY_ONCE, subject, "step " + (i + 1) + " ran node " + rec.getString("node") + ", expected "
            + expectedNode);
      }
    }
    if (!"completed".equals(t.status())) return;
    if (n != nodes.size()) {
      violation(Invariant.EXACTLY_ONCE, subject, "completed with " + n + " step events, expected " + nodes.size());
    }
    int completions = t.eventsOf("completed").size();
    if (completions != 1) violation(Invariant.EXACTLY_ONCE, subject, "completed " + completions + " times");
    if (waits != null) return;   // its result is judged by WaitChecks, against the input delivered
    JsonObject expected = ChainAgentModel.expectedResult(t.seed());
    JsonObject actual = new JsonObject(t.meta().getOrDefault("result", "{}"));
    if (!expected.equals(actual)) {
      violation(Invariant.EXACTLY_ONCE, subject, "result " + actual.encode() + " differs from the expected " + expected.encode());
    }
  }

  // ---- 8 (and 2 for waits) ----------------------------------------------------------------

  /** Every waiting or sleeping task's wait, by WaitChecks; the figures say how many there were and how late sleeps woke. */
  private void waitsHeld(RedisSnapshot redis, RunHistory run) {
    long inputs = 0, sleeps = 0, worstLateness = 0;
    for (TaskRecord t : redis.tasks().values()) {
      WaitTaskModel model = t.waitModel();
      if (model == null) continue;
      if (model.kind() == WaitTaskModel.Kind.INPUT) inputs++; else sleeps++;
      OptionalLong late = WaitChecks.check(t, model, run.inputsDelivered().get(t.id()), violations);
      if (late.isPresent()) worstLateness = Math.max(worstLateness, late.getAsLong());
    }
    figures.put("input_wait_tasks", inputs);
    figures.put("inputs_delivered", (long) run.inputsDelivered().size());
    figures.put("sleep_tasks", sleeps);
    figures.put("sleep_lateness_worst_ms", worstLateness);
  }

  // ---- 3 ----------------------------------------------------------------------------------

  /**
   * In the task's own history (one order, written by the same scripts that accepted the writes):
   * every step, completion, release, failure, retry and park carries the (epoch, claim) of the last claim before it,
   * and no event ending that claim came in between; claim epochs only grow.
   */
  private void everyWriteCarriesTheCurrentClaim(TaskRecord t) {
    StreamEntry.Holder current = null;
    long lastEpoch = 0;
    for (StreamEntry e : t.events()) {
      switch (e.type()) {
        case "claimed" -> {
          long epoch = Long.parseLong(e.get("epoch"));
          if (epoch <= lastEpoch) {
            violation(Invariant.FENCED, "task " + t.id(), "claim " + e + " has epoch " + epoch + " after epoch " + lastEpoch);
          }
          lastEpoch = Math.max(lastEpoch, epoch);
          current = e.holder();
        }
        // every record a worker's fenced write leaves; `failed` also comes from the watcher
        // (attempts used up at expiry), which writes no claim: only a worker's is checked
        case "step", "completed", "released", "retrying", "paused", "scheduled", "waiting", "failed" -> {
          boolean byTheWatcher = "failed".equals(e.type()) && e.get("claim").isEmpty();
          if (!byTheWatcher && (current == null || !current.sameClaim(e.holder()))) {
            violation(Invariant.FENCED, "task " + t.id(), "accepted " + e.type() + " " + e + " under " + e.holder()
                + " while the current claim was " + (current == null ? "none (ended)" : current));
          }
        }
        default -> { }
      }
      if (TaskRecord.CLAIM_ENDING.contains(e.type())) current = null;
    }
  }

  /**
   * Non-vacuity: a worker stopped, or stalled off Redis, for longer than its lease while it held
   * tasks must have had at least one write refused (audit:refused) afterwards; otherwise that
   * fault tested nothing. Its renewals (and any commit) wait in the stopped process or the held
   * link and reach Redis after the claim expired. A dropped link proves nothing this way: the
   * worker's writes fail at once, and it gives up on them when its local deadline passes, so
   * drops are counted, not required.
   */
  private void everyZombieHadAWriteRefused(RedisSnapshot redis, RunHistory run) {
    for (String name : List.of("pauses", "stalls", "drops")) {
      long faults = 0, proving = 0, vacuous = 0;
      for (Fault f : run.faults()) {
        if (!name.equals(zombieKind(f)) || f.durationMs() <= settings.leaseMs()) continue;
        faults++;
        List<String> held = orphans(redis, f).keySet().stream().toList();
        long refused = redis.refused().stream()
            .filter(r -> r.ms() >= f.atMs() && r.get("claim").startsWith(f.workerIdPrefix())).count();
        if (held.isEmpty()) {
          vacuous++;
          System.out.println("chaos: " + f + " proved nothing: the worker held no task");
        } else if (refused > 0) {
          proving++;
        } else if (!"drops".equals(name)) {
          violation(Invariant.FENCING_ENGAGED, "fault " + f, "the worker held " + held + " but none of its writes was refused");
        }
      }
      if (faults > 0 && proving == 0 && !"drops".equals(name)) {
        violation(Invariant.FENCING_ENGAGED, "run", faults + " worker " + name + " longer than a lease, none produced a refused write");
      }
      figures.put(name + "_with_refusal", proving);
      figures.put(name + "_holding_nothing", vacuous);
    }
  }

  /** "pauses", "stalls" or "drops" for a fault that leaves a zombie; "" for the others. */
  private static String zombieKind(Fault f) {
    if (f.kind() == FaultKind.PAUSE_WORKER) return "pauses";
    if (f.kind() == FaultKind.PARTITION_WORKER) return "drop".equals(f.variant()) ? "drops" : "stalls";
    return "";
  }

  // ---- 4 ----------------------------------------------------------------------------------

  /**
   * The tasks a faulted worker held at the fault (by the tasks' histories), mapped to the claim they
   * were held under; a task its own claim finished right at the fault is not orphaned.
   */
  private static Map<String, StreamEntry.Holder> orphans(RedisSnapshot redis, Fault f) {
    Map<String, StreamEntry.Holder> out = new TreeMap<>();
    for (TaskRecord t : redis.tasks().values()) {
      Optional<StreamEntry.Holder> h = t.holderAt(f.atMs());
      if (h.isEmpty() || !h.get().workerId().startsWith(f.workerIdPrefix())) continue;
      boolean finishedByItself = t.events().stream().anyMatch(e -> e.ms() <= f.atMs() + IN_FLIGHT_GRACE_MS
          && e.ms() >= f.atMs() && ("completed".equals(e.type()) || "released".equals(e.type())) && h.get().sameClaim(e.holder()));
      if (!finishedByItself) out.put(t.id(), h.get());
    }
    return out;
  }

  private void orphanedTasksAreClaimedAgainInTime(RedisSnapshot redis, RunHistory run) {
    long bound = settings.reclaimBoundMs();
    long measured = 0, worst = 0;
    for (Fault f : run.faults()) {
      if (!f.kind().hitsWorker()) continue;
      for (Map.Entry<String, StreamEntry.Holder> o : orphans(redis, f).entrySet()) {
        TaskRecord t = redis.tasks().get(o.getKey());
        Optional<StreamEntry> next = t.events().stream()
            .filter(e -> e.ms() >= f.atMs() && "claimed".equals(e.type()) && !o.getValue().sameClaim(e.holder())).findFirst();
        if (next.isEmpty()) {
          violation(Invariant.RECLAIMED_IN_TIME, "task " + t.id(), "held by " + o.getValue() + " at " + f + ", never claimed again");
          continue;
        }
        long after = next.get().ms() - f.atMs();
        measured++;
        worst = Math.max(worst, after);
        if (after > bound + redisDownWithin(run, f.atMs(), next.get().ms())) {
          violation(Invariant.RECLAIMED_IN_TIME, "task " + t.id(), "held by " + o.getValue() + " at " + f
              + ", claimed again " + after + " ms later (bound " + bound + " ms): " + next.get());
        }
      }
    }
    figures.put("reclaims_measured", measured);
    figures.put("reclaim_worst_ms", worst);
  }

  /**
   * How long Redis was down (killed or stopped) between two Redis-clock instants. While Redis is
   * down nothing can take a task back or claim it, so a Redis fault that overlaps a worker
   * fault's reclaim window extends that window by its own length (a kill of w1 followed 2 s
   * later by a 3.4 s Redis pause, within one lease, was reclaimed right after Redis came back).
   */
  private static long redisDownWithin(RunHistory run, long fromMs, long toMs) {
    long down = 0;
    for (Fault r : run.faults()) {
      if (!r.kind().hitsRedis()) continue;
      long overlap = Math.min(toMs, r.healedMs()) - Math.max(fromMs, r.atMs());
      if (overlap > 0) down += overlap;
    }
    return down;
  }

  // ---- 6 ----------------------------------------------------------------------------------

  /**
   * After every fault, each task sits in exactly the index of its status, and the counters hold
   * exactly the tally of the statuses: the deferred index and counter writes (index_later,
   * count_move) survived kills of workers and of Redis.
   */
  private void indexesAndCountersAgreeWithTheTasks(RedisSnapshot redis) {
    Map<String, Map<String, Long>> tally = new TreeMap<>();
    for (TaskRecord t : redis.tasks().values()) {
      String status = t.status();
      tally.computeIfAbsent("", k -> new TreeMap<>()).merge(status, 1L, Long::sum);
      tally.computeIfAbsent(t.tenant(), k -> new TreeMap<>()).merge(status, 1L, Long::sum);
      Set<String> homes = RedisSnapshot.indexesOf(status, t.tenant(), t.meta());
      for (Map.Entry<String, Set<String>> index : redis.indexes().entrySet()) {
        boolean in = index.getValue().contains(t.id());
        if (in != homes.contains(index.getKey())) {
          violation(Invariant.INDEXES, "task " + t.id(), "status " + status + (in ? " but in " : " but not in ") + index.getKey());
        }
      }
    }
    for (Map.Entry<String, Map<String, String>> e : redis.counts().entrySet()) {
      Map<String, Long> expected = tally.getOrDefault(e.getKey(), Map.of());
      long total = expected.values().stream().mapToLong(Long::longValue).sum();
      for (String status : TaskQueries.STATUSES) {
        long counted = Long.parseLong(e.getValue().getOrDefault(status, "0"));
        if (counted != expected.getOrDefault(status, 0L)) {
          violation(Invariant.INDEXES, "counts " + (e.getKey().isEmpty() ? "(cluster)" : e.getKey()), status + " is " + counted
              + ", the tasks say " + expected.getOrDefault(status, 0L));
        }
      }
      if (Long.parseLong(e.getValue().getOrDefault("total", "0")) != total) {
        violation(Invariant.INDEXES, "counts " + e.getKey(), "total is " + e.getValue().get("total") + ", the tasks say " + total);
      }
    }
  }

  // ---- 5 ----------------------------------------------------------------------------------

  /**
   * Per tenant, to the nano-dollar: the total in Redis = the sum of the call records = what the
   * stub billed, except answers a worker received and could not record because it was killed
   * holding that task (the money is spent, and nothing is left alive to write it down).
   */
  private void costsAgreeWithTheProvidersLedger(RedisSnapshot redis, RunHistory run) {
    Map<String, List<OpenAiStub.Call>> billedByKey = new TreeMap<>();
    for (OpenAiStub.Call c : run.stubBilled()) billedByKey.computeIfAbsent(c.idempotencyKey, k -> new ArrayList<>()).add(c);
    Map<Long, Long> receivedNanos = new HashMap<>();
    for (OpenAiStub.Received r : run.stubReceived()) receivedNanos.put(r.seq, r.receivedNanos);

    Map<String, Integer> recordsByKey = new HashMap<>();
    Map<String, Long> recordedNanos = new TreeMap<>(), recordedCalls = new TreeMap<>();
    for (TaskRecord t : redis.tasks().values()) {
      long taskSum = 0;
      for (JsonObject rec : t.calls()) {
        String key = t.id() + ":" + rec.getInteger("step");
        recordsByKey.merge(key, 1, Integer::sum);
        List<OpenAiStub.Call> billed = billedByKey.getOrDefault(key, List.of());
        if (billed.isEmpty()) {
          violation(Invariant.COST_LEDGER, "call " + rec.getString("call_id"), "recorded but the stub billed no call for " + key);
        } else if (rec.getLong("nano_usd") != billed.get(0).nanos) {
          violation(Invariant.COST_LEDGER, "call " + rec.getString("call_id"), "recorded at " + rec.getLong("nano_usd")
              + " nano-USD, the stub billed " + billed.get(0).nanos);
        }
        recordedNanos.merge(rec.getString("tenant_id"), rec.getLong("nano_usd"), Long::sum);
        recordedCalls.merge(rec.getString("tenant_id"), 1L, Long::sum);
        taskSum += rec.getLong("nano_usd");
      }
      long taskCost = Long.parseLong(t.meta().getOrDefault("cost_nanos", "0"));
      if (taskCost != taskSum) violation(Invariant.COST_LEDGER, "task " + t.id(), "cost " + taskCost + " but its call records sum to " + taskSum);
    }

    Map<String, Long> stubNanos = new TreeMap<>(), excusedNanos = new TreeMap<>();
    long duplicates = 0, excused = 0;
    for (Map.Entry<String, List<OpenAiStub.Call>> e : billedByKey.entrySet()) {
      List<OpenAiStub.Call> calls = e.getValue();
      TaskRecord t = redis.tasks().get(calls.get(0).taskId());
      if (t == null) {
        violation(Invariant.COST_LEDGER, "key " + e.getKey(), "the stub billed calls for a task not in Redis");
        continue;
      }
      String tenant = t.tenant();
      for (OpenAiStub.Call c : calls) stubNanos.merge(tenant, c.nanos, Long::sum);
      duplicates += Math.max(0, calls.size() - 1);
      int recorded = recordsByKey.getOrDefault(e.getKey(), 0);
      int missing = calls.size() - recorded;
      if (missing < 0) {
        violation(Invariant.COST_LEDGER, "key " + e.getKey(), recorded + " call records but the stub billed " + calls.size());
      } else if (missing > 0) {
        // records carry a random call_id, so which answers went unrecorded is unknowable: count
        // the answers sent before a worker holding the task was confirmed dead; at most that many
        // may be missing (a re-run of the step by the next owner is recorded and not among them)
        long excusable = calls.stream().filter(c -> {
          long sent = receivedNanos.getOrDefault(c.seq, Long.MAX_VALUE);
          return run.faults().stream().anyMatch(f -> f.kind() == FaultKind.KILL_WORKER && f.hitNanos() >= sent
              && orphans(redis, f).containsKey(t.id()));
        }).count();
        long forgiven = Math.min(missing, excusable);
        excused += forgiven;
        excusedNanos.merge(tenant, forgiven * calls.get(0).nanos, Long::sum);
        if (missing > excusable) {
          violation(Invariant.COST_LEDGER, "key " + e.getKey(), "the stub billed " + calls + " but Redis has only "
              + recorded + " records; " + (missing - excusable) + " not explained by a worker killed while holding the task");
        }
      }
    }

    for (Map.Entry<String, Map<String, String>> e : redis.tenantTotals().entrySet()) {
      String tenant = e.getKey();
      long total = Long.parseLong(e.getValue().getOrDefault("nano_usd", "0"));
      long calls = Long.parseLong(e.getValue().getOrDefault("calls", "0"));
      long records = recordedNanos.getOrDefault(tenant, 0L);
      long stub = stubNanos.getOrDefault(tenant, 0L) - excusedNanos.getOrDefault(tenant, 0L);
      if (total != records || calls != recordedCalls.getOrDefault(tenant, 0L)) {
        violation(Invariant.COST_LEDGER, "tenant " + tenant, "total " + total + " nano-USD over " + calls
            + " calls, but its call records sum to " + records + " over " + recordedCalls.getOrDefault(tenant, 0L));
      }
      if (total != stub) {
        violation(Invariant.COST_LEDGER, "tenant " + tenant, "total " + total + " nano-USD, the stub's ledger "
            + stubNanos.getOrDefault(tenant, 0L) + " less " + excusedNanos.getOrDefault(tenant, 0L)
            + " answered to killed workers = " + stub);
      }
    }
    figures.put("llm_calls_billed", (long) run.stubBilled().size());
    figures.put("llm_calls_repeated", duplicates);
    figures.put("llm_answers_lost_with_killed_worker", excused);
    figures.put("nano_usd_total", redis.tenantTotals().values().stream()
        .mapToLong(m -> Long.parseLong(m.getOrDefault("nano_usd", "0"))).sum());
  }

  // ---- 7 ----------------------------------------------------------------------------------

  /**
   * For every pause or partition of a worker, the LLM calls that worker started for a task it
   * held when it was cut off, after its lease on that task was surely over and before it was
   * granted the task again: there must be none (TaskRun and LlmNodeHandler check the local lease
   * deadline before every node, node retry, call and provider retry).
   *
   * <p>When the lease was surely over, from what the harness sees: the worker's local deadline
   * is the send time of the last claim, renewal or commit that Redis accepted, plus the lease.
   * Nothing it sent after {@code cutMs} reached Redis before the heal (the process was stopped,
   * or its proxy held or reset every byte), and once the claim has ended in Redis (expired, or
   * the task granted anew) nothing under it is accepted again (fencing, invariant 3). So for a
   * task whose claim ended before the heal, every write that moved the deadline was sent
   * before {@code cutMs}, and the deadline is at most {@code cutMs + lease}. A task whose claim
   * outlived the heal may have been renewed legitimately afterwards and is not judged.
   *
   * <p>Which calls: the stub logs each request's arrival (wall clock, the host clock Redis TIME
   * also reads), its Idempotency-Key (task:step) and its API key, which is the worker slot's own.
   * A call arriving more than {@link #CALL_SEND_GRACE_MS} after the deadline was started after
   * it (for a pause: after the deadline and the resume); one arriving after the slot's next
   * grant of the task may belong to that grant.
   */
  private void noCallStartedAfterTheLease(RedisSnapshot redis, RunHistory run) {
    Map<String, List<OpenAiStub.Received>> receivedByTask = new HashMap<>();
    for (OpenAiStub.Received r : run.stubReceived()) {
      if (r.taskId() != null) receivedByTask.computeIfAbsent(r.taskId(), k -> new ArrayList<>()).add(r);
    }
    long judged = 0, retriesDue = 0, callsAfterCut = 0, late = 0;
    for (Fault f : run.faults()) {
      if (!f.kind().leavesZombie()) continue;
      long deadline = f.cutMs() + settings.leaseMs();
      // healedMs is read once SIGCONT returned: a call held over a pause arrives after it
      long surelyStartedAfter = f.kind() == FaultKind.PAUSE_WORKER ? Math.max(deadline, f.healedMs()) : deadline;
      String authorization = ChaosCluster.llmAuthorizationOf(f.target());
      for (TaskRecord t : redis.tasks().values()) {
        Optional<StreamEntry.Holder> held = t.holderAt(f.cutMs());
        if (held.isEmpty() || !held.get().workerId().startsWith(f.workerIdPrefix())) continue;
        OptionalLong ended = t.endOf(held.get());
        if (ended.isEmpty() || ended.getAsLong() >= f.healingMs()) continue;
        long regranted = t.nextClaimBy(f.target() + "-", held.get()).orElse(Long.MAX_VALUE);
        judged++;
        List<OpenAiStub.Received> requests = receivedByTask.getOrDefault(t.id(), List.of());
        // exposure: the worker was partitioned with a paid retry of the task falling due (a
        // paused one sends it on waking, inside the pause's grace, where it cannot be judged)
        if (f.kind() == FaultKind.PARTITION_WORKER && refused(lastOf(requests, authorization, f.cutMs()))) retriesDue++;
        OpenAiStub.Received previous = null;   // the worker's request for the task before this one
        for (OpenAiStub.Received r : requests) {
          if (!authorization.equals(r.authorization) || r.receivedAtMs >= regranted) continue;
          if (r.receivedAtMs >= f.cutMs()) {   // cut off: only a call started before the deadline is legitimate
            callsAfterCut++;
            if (r.receivedAtMs > surelyStartedAfter + CALL_SEND_GRACE_MS) {
              late++;
              violation(Invariant.NO_CALL_AFTER_LEASE, "task " + t.id(), f.target() + " held it under " + held.get()
                  + " at " + f + "; its lease was surely over at redis-ms " + deadline + " (the claim ended at "
                  + ended.getAsLong() + "), yet it started call " + r.idempotencyKey + (refused(previous)
                  ? " (a retry of a request answered " + previous.status() + ")" : "") + ", which arrived at "
                  + r.receivedAtMs + ", " + (r.receivedAtMs - deadline) + " ms after the deadline");
            }
          }
          previous = r;
        }
      }
    }
    figures.put("zombie_tasks_judged", judged);
    figures.put("zombie_retries_due", retriesDue);
    figures.put("zombie_calls_after_cut", callsAfterCut);
    figures.put("llm_calls_after_lease", late);
  }

  private static boolean refused(OpenAiStub.Received r) { return r != null && (r.status() == 429 || r.status() >= 500); }

  /** The worker's last request of {@code requests} that arrived before {@code beforeMs}, or null. */
  private static OpenAiStub.Received lastOf(List<OpenAiStub.Received> requests, String authorization, long beforeMs) {
    OpenAiStub.Received last = null;
    for (OpenAiStub.Received r : requests) if (authorization.equals(r.authorization) && r.receivedAtMs < beforeMs) last = r;
    return last;
  }
}
