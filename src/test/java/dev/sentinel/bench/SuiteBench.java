package dev.sentinel.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark suite behind bench/suite.sh: scaling of noop throughput over worker processes,
 * the idle cost of a cluster, and Redis memory per task. Each section starts its own
 * redis-server (AOF on, appendfsync everysec, free port, fresh directory) and the real jar as
 * separate processes, and prints Markdown tables for BENCHMARKS.md plus RESULT lines for scripts.
 *
 * <pre>java -cp target/sentinel.jar:target/test-classes SuiteBench [--quick]
 *      [--sections scaling,idle,memory] [--workers 1,2,4] [--steps 1,5,20] [--tasks 20000,20000,5000]
 *      [--instances 2] [--concurrency 64] [--warmup 20000] [--overlap-steps 5] [--submitters 32]
 *      [--idle-workers 4] [--idle-seconds 20] [--memory-tasks 100000] [--memory-steps 5]</pre>
 */
public final class SuiteBench {

  private static final Map<String, String> FULL = Map.ofEntries(
      Map.entry("sections", "scaling,idle,memory"), Map.entry("workers", "1,2,4"), Map.entry("steps", "1,5,20"),
      Map.entry("tasks", "20000,20000,5000"), Map.entry("instances", "2"), Map.entry("concurrency", "64"),
      Map.entry("warmup", "20000"), Map.entry("overlap-steps", "5"), Map.entry("submitters", "32"),
      Map.entry("idle-workers", "4"), Map.entry("idle-seconds", "20"), Map.entry("memory-tasks", "100000"),
      Map.entry("memory-steps", "5"));

  /** Small enough to check the instruments in a minute or two; the figures mean little. */
  private static final Map<String, String> QUICK = Map.of("tasks", "1000,1000,250", "warmup", "200",
      "idle-seconds", "6", "memory-tasks", "10000");

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>(FULL);
    if (Arrays.asList(args).contains("--quick")) a.putAll(QUICK);
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || args[i].equals("--quick")) continue;
      if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value");
      String key = args[i].substring(2);
      if (!FULL.containsKey(key)) throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + FULL.keySet());
      a.put(key, args[++i]);
    }
    Set<String> sections = Set.of(a.get("sections").split(","));
    int instances = Integer.parseInt(a.get("instances")), concurrency = Integer.parseInt(a.get("concurrency"));
    System.out.printf("Sentinel benchmark suite: %s, %d cores, Java %s, worker.instances=%d, worker.concurrency=%d%n",
        String.join(" ", args), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), instances, concurrency);

    if (sections.contains("scaling")) {
      List<Integer> steps = ints(a.get("steps"));
      List<Integer> tasks = ints(a.get("tasks"));
      if (tasks.size() == 1) tasks = new ArrayList<>(Collections.nCopies(steps.size(), tasks.get(0)));
      if (tasks.size() != steps.size()) throw new IllegalArgumentException("--tasks needs one count, or one per --steps value");
      ScalingSection.run(new ScalingSection.Plan(ints(a.get("workers")), steps, tasks, instances, concurrency,
          Integer.parseInt(a.get("warmup")), ints(a.get("overlap-steps")), Integer.parseInt(a.get("submitters"))));
    }
    if (sections.contains("idle")) {
      IdleSection.run(Integer.parseInt(a.get("idle-workers")), instances, concurrency, Integer.parseInt(a.get("idle-seconds")));
    }
    if (sections.contains("memory")) {
      MemorySection.run(Integer.parseInt(a.get("memory-tasks")), Integer.parseInt(a.get("memory-steps")),
          Integer.parseInt(a.get("idle-workers")), instances, concurrency);
    }
  }

  private static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) if (!s.isBlank()) out.add(Integer.parseInt(s.trim()));
    return out;
  }
}
