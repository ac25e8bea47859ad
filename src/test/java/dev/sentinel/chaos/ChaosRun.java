package dev.sentinel.chaos;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One chaos run from start to verdict: start the cluster; submit tasks while the nemesis injects
 * faults; heal everything; wait (bounded) until every acknowledged task is final and nothing
 * runs; read Redis once; check. Every process is stopped at the end, whatever happened.
 */
final class ChaosRun {

  /** How long a healed cluster gets to finish its work; the checker runs after it either way. */
  private static final Duration QUIET_WITHIN = Duration.ofSeconds(90);
  private static final long INPUT_SEED_SALT = 0x5eed_1a9b_7L;
  private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

  record Outcome(ChaosSettings settings, InvariantChecker.Report report, List<Fault> faults, int acknowledged,
                 int unacknowledged, Duration took) {

    String summary() {
      StringBuilder s = new StringBuilder("chaos run seed=" + settings.seed() + (settings.fencingOff() ? " (FENCING OFF)" : "")
          + " fault phase " + settings.faultPhase().toSeconds() + " s, took " + took.toSeconds() + " s: "
          + faults.size() + " faults, " + acknowledged + " tasks acknowledged, " + unacknowledged
          + " submissions unacknowledged, " + report.violations().size() + " violations\n  figures " + report.figures());
      faults.forEach(f -> s.append("\n  fault ").append(f));
      report.violations().stream().limit(40).forEach(v -> s.append("\n  VIOLATION ").append(v));
      if (report.violations().size() > 40) s.append("\n  ... and ").append(report.violations().size() - 40).append(" more");
      return s.toString();
    }
  }

  private ChaosRun() {}

  static Outcome run(ChaosSettings settings) throws Exception {
    long started = System.nanoTime();
    System.out.println("chaos: starting run with seed " + settings.seed() + " (repeat with -Dchaos.seed=" + settings.seed() + ")");
    Random random = new Random(settings.seed());
    try (ChaosCluster cluster = ChaosCluster.start(settings)) {
      System.out.printf("chaos: cluster up after %d ms%n", (System.nanoTime() - started) / 1_000_000);
      // closed after the quiet (inputs due after the heal are delivered meanwhile), or on any failure;
      // its own generator, so a seed's fault schedule is the one it was before waits joined the load
      try (InputDeliverer inputs = new InputDeliverer(cluster.http, new Random(settings.seed() ^ INPUT_SEED_SALT)).start()) {
        LoadGenerator load = new LoadGenerator(cluster.http, settings.submitEveryMs(), new Random(random.nextLong()),
            settings.waitsEvery(), inputs).start();
        Nemesis nemesis = new Nemesis(cluster, random);
        try {
          nemesis.runUntil(System.nanoTime() + settings.faultPhase().toNanos());
        } finally {
          load.close();
        }
        cluster.healAll();
        List<LoadGenerator.Submission> acknowledged = load.acknowledged();
        long healed = System.nanoTime();
        awaitQuiet(cluster, acknowledged);
        System.out.printf("chaos: quiet %d ms after the heal; %s%n", (System.nanoTime() - healed) / 1_000_000, inputs.figures());
        RedisSnapshot snapshot = RedisSnapshot.read(cluster.reader);
        InvariantChecker.Report report = InvariantChecker.check(settings, snapshot, new InvariantChecker.RunHistory(
            acknowledged, nemesis.history(), cluster.stub.billed(), cluster.stub.received(), inputs.delivered()));
        Outcome outcome = new Outcome(settings, report, nemesis.history(), acknowledged.size(), load.unacknowledged(),
            Duration.ofNanos(System.nanoTime() - started));
        System.out.println(outcome.summary());
        return outcome;
      }
    }
  }

  /** Every acknowledged task final, no lease left (nothing running) and no LLM call in flight. */
  private static void awaitQuiet(ChaosCluster cluster, List<LoadGenerator.Submission> acknowledged) {
    long deadline = System.nanoTime() + QUIET_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      boolean allFinal = acknowledged.stream().allMatch(s -> {
        Response status = cluster.reader.cmd(Command.HGET, "task:" + s.taskId() + ":meta", "status");
        return status != null && FINAL.contains(status.toString());
      });
      if (allFinal && cluster.reader.cmd(Command.ZCARD, "leases").toLong() == 0 && cluster.stub.inFlight().isEmpty()) return;
      RedisReader.sleep(500);
    }
    System.out.println("chaos: not quiet after " + QUIET_WITHIN.toSeconds() + " s; checking anyway");
  }
}
