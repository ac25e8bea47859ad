package dev.sentinel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of one Sentinel JVM: Java heap in use and committed (jcmd GC.heap_info, read once after
 * a run, because jcmd itself starts a JVM and would load the machine during one), and the
 * process' resident set now and at its peak (/proc/PID/status VmRSS and VmHWM, free to read).
 */
public record JvmFootprint(String name, long pid, long heapUsedKb, long heapCommittedKb, long rssKb, long peakRssKb) {

  private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");

  public static JvmFootprint of(String name, long pid) {
    long[] heap = heap(pid);
    return new JvmFootprint(name, pid, heap[1], heap[0], procStatusKb(pid, "VmRSS:"), procStatusKb(pid, "VmHWM:"));
  }

  /** {committed, used} in KiB, or {-1, -1} when jcmd cannot attach. */
  private static long[] heap(long pid) {
    try {
      Process p = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(30, TimeUnit.SECONDS);
      Matcher m = HEAP.matcher(out);
      if (m.find()) return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    } catch (IOException e) {
      // no jcmd on PATH: the heap columns say so
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new long[] {-1, -1};
  }

  static long procStatusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
    } catch (IOException e) {
      // the process is gone or this is not Linux
    }
    return -1;
  }

  public static String mb(long kb) {
    return kb < 0 ? "n/a" : String.format("%.0f MB", kb / 1024.0);
  }
}
