package dev.sentinel.cli;

import dev.sentinel.client.ApiException;
import dev.sentinel.client.model.Stats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code top}: a view that refreshes in place: task counts and throughput (from /stats), live
 * workers, and per tenant the queue depth and LLM spend (from /metrics; an admin key sees them).
 */
@Command(name = "top", description = "A refreshing view of the cluster: throughput, queues, workers, spend.")
final class TopCommand implements Callable<Integer> {

  private static final Pattern SERIES = Pattern.compile("^(sentinel_queue_depth|sentinel_llm_cost_usd_total)\\{([^}]*)} (\\S+)$");
  private static final Pattern TENANT = Pattern.compile("tenant=\"([^\"]*)\"");

  @ParentCommand SentinelCli root;
  @Option(names = "--interval", defaultValue = "2", description = "seconds between refreshes") int intervalSeconds;
  @Option(names = "--iterations", defaultValue = "0", description = "stop after this many refreshes (0: until interrupted)")
  int iterations;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    Integer lastDone = null;
    long lastAt = 0;
    for (int i = 0; iterations == 0 || i < iterations; i++) {
      if (i > 0) Thread.sleep(Math.max(1, intervalSeconds) * 1000L);
      Stats stats = c.operations().getStats(null);
      long now = System.nanoTime();
      int done = nz(stats.getCompleted()) + nz(stats.getFailed()) + nz(stats.getCancelled());
      Double perSecond = lastDone == null ? null : (done - lastDone) / ((now - lastAt) / 1e9);
      lastDone = done;
      lastAt = now;
      Integer workers = admin(() -> c.operations().listWorkers().getWorkers().size());
      Map<String, BigDecimal[]> tenants = perTenant(admin(() -> c.operations().getMetrics()));
      if (root.json()) {
        root.terminal().raw(c.json().writeValueAsString(Map.of("stats", stats, "finished_per_second",
            perSecond == null ? "" : perSecond, "workers", workers == null ? "" : workers, "tenants", tenantsJson(tenants))));
        continue;
      }
      Terminal t = root.terminal();
      if (t.interactive()) t.raw("\033[H\033[2J");
      t.line("sentinel top  " + Instant.now().toString().substring(0, 19) + "Z  " + c.base());
      t.line(String.format("tasks   queued %d  scheduled %d  running %d  waiting %d  paused %d", nz(stats.getQueued()),
          nz(stats.getScheduled()), nz(stats.getLeased()) + nz(stats.getInProgress()), nz(stats.getWaiting()), nz(stats.getPaused())));
      t.line(String.format("ended   completed %d  failed %d  cancelled %d   %s", nz(stats.getCompleted()), nz(stats.getFailed()),
          nz(stats.getCancelled()), perSecond == null ? "" : String.format("%.1f tasks/s", perSecond)));
      t.line("workers " + (workers == null ? t.dim("(admin key needed)") : workers));
      if (!tenants.isEmpty()) {
        t.line(String.format("%-24s %8s %12s", "TENANT", "QUEUED", "LLM SPEND"));
        tenants.forEach((name, v) -> t.line(String.format("%-24s %8s %12s", TasksCommand.cut(name, 24),
            v[0] == null ? "" : v[0].toBigInteger(), TaskFollower.usd(v[1]))));
      }
    }
    return ExitCode.OK;
  }

  private interface Call<T> { T get() throws ApiException; }

  /** An admin-only read: null when this key may not see it. */
  private static <T> T admin(Call<T> read) throws ApiException {
    try {
      return read.get();
    } catch (ApiException e) {
      if (e.getCode() == 403) return null;
      throw e;
    }
  }

  /** tenant -> {queue depth, spend} from the Prometheus text. */
  static Map<String, BigDecimal[]> perTenant(String metrics) {
    Map<String, BigDecimal[]> out = new TreeMap<>();
    if (metrics == null) return out;
    for (String line : metrics.split("\n")) {
      Matcher m = SERIES.matcher(line);
      if (!m.matches()) continue;
      Matcher tenant = TENANT.matcher(m.group(2));
      if (!tenant.find()) continue;
      BigDecimal[] v = out.computeIfAbsent(tenant.group(1), k -> new BigDecimal[2]);
      BigDecimal value = new BigDecimal(m.group(3));
      if (m.group(1).equals("sentinel_queue_depth")) v[0] = value;
      else v[1] = v[1] == null ? value : v[1].add(value);
    }
    return out;
  }

  private static Map<String, Object> tenantsJson(Map<String, BigDecimal[]> tenants) {
    Map<String, Object> out = new TreeMap<>();
    tenants.forEach((k, v) -> out.put(k, Map.of("queued", v[0] == null ? 0 : v[0], "llm_spend_usd", v[1] == null ? 0 : v[1])));
    return out;
  }

  private static int nz(Integer v) { return v == null ? 0 : v; }
}
