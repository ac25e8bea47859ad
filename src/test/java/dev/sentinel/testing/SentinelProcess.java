package dev.sentinel.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real jar as a real OS process, so signals are real: SIGKILL, SIGSTOP/SIGCONT, SIGTERM.
 * Its output goes to target/it-logs/NAME.log for the post-mortem and for log assertions.
 */
public final class SentinelProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;
  /** The port the test asked for, or 0: the node picks a free one and logs it (read by {@link #metricsPort()}). */
  private final int metricsPort;
  /** Where this process's lines begin in its log (a name's log is appended to by every process of that name). */
  private final long logStart;

  private SentinelProcess(String name, Process process, Path log, int metricsPort, long logStart) {
    this.logStart = logStart;
    this.name = name;
    this.process = process;
    this.log = log;
    this.metricsPort = metricsPort;
  }

  /**
   * The environment of a node on {@code redisUrl} whose llm nodes call an OpenAI-compatible stub
   * at {@code llmBaseUrl}, with the lease and watcher interval a failure test wants; one worker
   * verticle per process. A mutable map: add to it.
   */
  public static Map<String, String> envCallingStub(String redisUrl, long leaseMs, long watcherIntervalMs, String llmBaseUrl) {
    return new HashMap<>(Map.of(
        "SENTINEL_REDIS_URL", redisUrl,
        "SENTINEL_LEASE_MS", String.valueOf(leaseMs),
        "SENTINEL_WATCHER_INTERVAL_MS", String.valueOf(watcherIntervalMs),
        "SENTINEL_WORKER_INSTANCES", "1",
        "SENTINEL_LLM_PROVIDER", "openai",
        "OPENAI_BASE_URL", llmBaseUrl,
        "OPENAI_API_KEY", "test"));
  }

  public static SentinelProcess start(String name, String roles, Map<String, String> env) {
    return start(name, roles, env, null, List.of());
  }

  /** @param conf a YAML file merged over the packed defaults (--conf), or null */
  public static SentinelProcess start(String name, String roles, Map<String, String> env, Path conf) {
    return start(name, roles, env, conf, List.of());
  }

  public static SentinelProcess start(String name, String roles, Map<String, String> env, List<Path> classpathFirst) {
    return start(name, roles, env, null, classpathFirst);
  }

  /**
   * @param conf           a YAML file merged over the packed defaults (--conf), or null
   * @param classpathFirst directories put on the classpath before the jar, so their resources
   *                       win over the jar's (the chaos test's negative control swaps a Lua
   *                       fragment this way; production code has no switch for it)
   */
  public static SentinelProcess start(String name, String roles, Map<String, String> env, Path conf,
                                      List<Path> classpathFirst) {
    return start(Path.of(System.getProperty("sentinel.jar", "target/sentinel.jar")), name, roles, env, conf, classpathFirst);
  }

  /** A node from another build's jar (DockerContextIT builds one the way the image does). */
  public static SentinelProcess startJar(Path jar, String name, String roles, Map<String, String> env) {
    return start(jar, name, roles, env, null, List.of());
  }

  private static SentinelProcess start(Path jarPath, String name, String roles, Map<String, String> env, Path conf,
                                       List<Path> classpathFirst) {
    String jar = jarPath.toString();
    if (!Files.isRegularFile(jarPath)) throw new IllegalStateException("no jar at " + jar + ": run `mvn verify`");
    try {
      Path logs = Files.createDirectories(Path.of("target", "it-logs"));
      Path log = logs.resolve(name + ".log");
      List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx256m"));
      if (classpathFirst.isEmpty()) {
        cmd.addAll(List.of("-jar", jar));
      } else {
        List<String> cp = new ArrayList<>(classpathFirst.stream().map(p -> p.toAbsolutePath().toString()).toList());
        cp.add(jar);
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, cp), "dev.sentinel.Main"));
      }
      cmd.addAll(List.of("--roles", roles));
      if (conf != null) cmd.addAll(List.of("--conf", conf.toAbsolutePath().toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().keySet().removeIf(k -> k.startsWith("SENTINEL_"));
      pb.environment().put("HOSTNAME", name);
      pb.environment().putAll(env);
      // every process its own management port: the default 8001 would let only one start per machine.
      // 0 lets the node bind a free one itself: a port picked here could be taken by another
      // process before the node binds it (a chaos run lost a worker that way on a busy machine)
      int metricsPort = env.containsKey("SENTINEL_METRICS_PORT") ? Integer.parseInt(env.get("SENTINEL_METRICS_PORT")) : 0;
      pb.environment().put("SENTINEL_METRICS_PORT", String.valueOf(metricsPort));
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      Process process = pb.start();
      // a test JVM that dies before close() must not leave its processes behind
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, name + "-reaper"));
      return new SentinelProcess(name, process, log, metricsPort, logStart);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String name() { return name; }

  public long pid() { return process.pid(); }

  private static final java.util.regex.Pattern MANAGEMENT_LINE =
      java.util.regex.Pattern.compile("management server on http://[^\\s]+:(\\d+) ");

  /**
   * The management server's port (/metrics, /health): the test's choice, or the free one the node
   * bound, from its start-up line (waited for, up to 60 s).
   */
  public int metricsPort() {
    if (metricsPort > 0) return metricsPort;
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String mine = ownLog();
      java.util.regex.Matcher m = MANAGEMENT_LINE.matcher(mine);
      if (m.find()) return Integer.parseInt(m.group(1));
      if (!process.isAlive()) break;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IllegalStateException(name + " logged no management port; its log:\n" + ownLog());
  }

  /** This process's part of its log. */
  private String ownLog() {
    try {
      byte[] all = Files.readAllBytes(log);
      int from = (int) Math.min(all.length, logStart);
      return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  public boolean isAlive() { return process.isAlive(); }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  public void kill9() {
    process.destroyForcibly();
    waitFor(10);
  }

  public void pause() { signal("STOP"); }

  public void resume() { signal("CONT"); }

  /** SIGTERM, as an orchestrator does on shutdown; returns whether it exited in time. */
  public boolean terminate(long seconds) {
    signal("TERM");
    return waitFor(seconds);
  }

  public boolean waitFor(long seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public int exitCode() { return process.exitValue(); }

  private void signal(String sig) {
    if (!process.isAlive()) return;
    try {
      new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override public void close() {
    if (process.isAlive()) {
      resume();
      kill9();
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
