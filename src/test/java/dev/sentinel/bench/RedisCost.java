package dev.sentinel.bench;

import dev.sentinel.bench.RedisProbe.RedisSnapshot;

import java.util.Map;
import java.util.TreeMap;

/**
 * What Redis did between two snapshots, without the benchmark's own commands.
 * {@code commands} counts every command Redis executed, including those a script called
 * (commandstats counts both; EVALSHA itself is one of them); {@code evalsha} is the script
 * calls alone, i.e. the round trips that carry the orchestration work.
 */
public record RedisCost(long commands, long evalsha, double cpuSeconds, double seconds, Map<String, Long> byCommand,
                        long scriptMicros, Map<String, Long> microsByCommand) {

  public static RedisCost between(RedisSnapshot before, RedisSnapshot after) {
    Map<String, Long> delta = new TreeMap<>();
    for (Map.Entry<String, Long> e : after.calls().entrySet()) {
      long n = e.getValue() - before.calls().getOrDefault(e.getKey(), 0L)
          - (after.own().getOrDefault(e.getKey(), 0L) - before.own().getOrDefault(e.getKey(), 0L));
      if (n > 0) delta.put(e.getKey(), n);
    }
    // INFO itself: the one of `before` shows up in `after`; scripts never send INFO
    delta.remove("info");
    long total = delta.values().stream().mapToLong(Long::longValue).sum();
    // the benchmark never calls scripts, so the scripts' own time needs no correction
    long scriptMicros = usecDelta(before, after, "evalsha") + usecDelta(before, after, "eval");
    Map<String, Long> micros = new TreeMap<>();
    for (String command : after.usec().keySet()) {
      long us = usecDelta(before, after, command);
      if (us > 0 && !command.equals("info")) micros.put(command, us);
    }
    return new RedisCost(total, delta.getOrDefault("evalsha", 0L) + delta.getOrDefault("eval", 0L),
        after.cpuSeconds() - before.cpuSeconds(), (after.nanos() - before.nanos()) / 1e9, delta, scriptMicros, micros);
  }

  private static long usecDelta(RedisSnapshot before, RedisSnapshot after, String command) {
    return after.usec().getOrDefault(command, 0L) - before.usec().getOrDefault(command, 0L);
  }

  /**
   * Redis' own timing of the script calls, per unit: what the orchestration work costs inside
   * the scripts. The rest of {@link #cpuMicrosPer} is reading and writing sockets, the AOF and
   * the event loop.
   */
  public double scriptMicrosPer(long units) {
    return scriptMicros / (double) units;
  }

  public double commandsPer(long units) { return commands / (double) units; }

  public double evalshaPer(long units) { return evalsha / (double) units; }

  public double cpuMicrosPer(long units) { return cpuSeconds * 1e6 / units; }

  /**
   * Redis' own timing by command, per unit, largest first (commandstats usec). Script calls
   * are listed too; their time includes the commands they called.
   */
  public String topMicrosPer(long units, int top) { return largest(microsByCommand, units, top, "%.2f µs"); }

  /** The commands that make up most of the cost, per unit, for the notes under a table. */
  public String topCommandsPer(long units, int top) { return largest(byCommand, units, top, "%.2f"); }

  private static String largest(Map<String, Long> byName, long units, int top, String format) {
    StringBuilder s = new StringBuilder();
    byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
        .forEach(e -> s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
            .append(String.format(format, e.getValue() / (double) units)));
    return s.toString();
  }
}
