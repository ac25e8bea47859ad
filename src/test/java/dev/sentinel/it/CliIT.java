package dev.sentinel.it;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command line as a user runs it: {@code bin/sentinel} (the real jar) in a pseudo-terminal
 * made by util-linux {@code script}, against a real node. On a terminal the progress bar is
 * one line redrawn in place, advancing step by step to the end, in colour; with NO_COLOR none.
 */
class CliIT {

  RedisServerProcess redis;
  SentinelProcess node;
  int port;

  @BeforeEach void start() {
    redis = RedisServerProcess.start();
    port = RedisServerProcess.freePort();
    node = SentinelProcess.start("cli", "api,worker,watcher", Map.of("SENTINEL_REDIS_URL", redis.url(),
        "SENTINEL_HTTP_PORT", String.valueOf(port), "SENTINEL_WORKER_INSTANCES", "1"));
    Http api = new Http(port);
    await().atMost(Duration.ofSeconds(30)).until(api::isUp);
  }

  @AfterEach void stop() {
    if (node != null) node.close();
    redis.close();
  }

  private record Ran(int exit, String out) {}

  /** bin/sentinel under a pseudo-terminal: System.console() is there, as in a user's shell. */
  private Ran inTerminal(Map<String, String> env, String args) throws Exception {
    return inTerminal(env, args, 0);
  }

  /** @param stopAfterSeconds when above 0, the command is interrupted then (a --watch view runs until stopped) */
  private Ran inTerminal(Map<String, String> env, String args, int stopAfterSeconds) throws Exception {
    String jar = System.getProperty("sentinel.jar", "target/sentinel.jar");
    List<String> cmd = new ArrayList<>();
    if (stopAfterSeconds > 0) cmd.addAll(List.of("timeout", "-s", "INT", String.valueOf(stopAfterSeconds)));
    cmd.addAll(List.of("script", "-qefc", "bin/sentinel " + args + " --url http://127.0.0.1:" + port, "/dev/null"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SENTINEL_JAR", Path.of(jar).toAbsolutePath().toString());
    pb.environment().remove("NO_COLOR");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test void submitWaitRedrawsOneProgressLineAdvancingToCompletion() throws Exception {
    Ran ran = inTerminal(Map.of("COLUMNS", "100"),
        "submit --tenant acme --agent noop --param steps=5 --param step_ms=400 --wait");
    assertThat(ran.exit()).as(ran.out()).isZero();
    // each redraw returns to the line's start and clears it: one line that changes in place
    String[] frames = ran.out().split("\r\033\\[2K");
    List<Integer> steps = new ArrayList<>();
    Matcher m = Pattern.compile("\\] (\\d)/5").matcher("");
    for (String frame : frames) {
      if (m.reset(frame).find()) steps.add(Integer.parseInt(m.group(1)));
    }
    assertThat(steps).as("the bar's step in each redraw: %s", ran.out()).isSorted().contains(5);
    assertThat(steps.stream().distinct().count()).as("it advanced through the steps, not only to the end").isGreaterThanOrEqualTo(3);
    assertThat(ran.out()).contains("\033[32mcompleted\033[0m");   // green on a terminal

    Ran plain = inTerminal(Map.of("NO_COLOR", "1"), "submit --tenant acme --agent noop --param steps=2 --wait");
    assertThat(plain.exit()).isZero();
    assertThat(plain.out()).contains("completed").doesNotContain("\033[32m");
  }

  /** sentinel-client.jar, beside the fat jar: the generated client and nothing of the server. */
  @Test void theClientJarHoldsTheGeneratedClientAndNoServerClass() throws Exception {
    Path client = Path.of(System.getProperty("sentinel.jar", "target/sentinel.jar")).resolveSibling("sentinel-client.jar");
    List<String> classes = new ArrayList<>();
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(client.toFile())) {
      jar.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.endsWith(".class")).forEach(classes::add);
    }
    assertThat(classes).contains("dev/sentinel/client/api/TasksApi.class", "dev/sentinel/client/model/Task.class",
        "dev/sentinel/client/ApiClient.class");
    assertThat(classes).allMatch(n -> n.startsWith("dev/sentinel/client/"), "only the client's classes");
  }

  @Test void tasksWatchRedrawsTheTableInPlaceUntilStopped() throws Exception {
    assertThat(inTerminal(Map.of(), "submit --tenant acme --agent noop --wait").exit()).isZero();
    Ran watched = inTerminal(Map.of(), "tasks --watch --interval 1", 6);
    long frames = watched.out().split("\033\\[H\033\\[2J", -1).length - 1;
    assertThat(frames).as("screens drawn: %s", watched.out()).isGreaterThanOrEqualTo(2);
    assertThat(watched.out()).contains("TASK").contains("completed");
  }

  @Test void aFailingTaskExitsOneAndAnUnknownTaskThree() throws Exception {
    Ran failed = inTerminal(Map.of(), "submit --tenant acme --agent noop --param fail_at_step=1 --max-attempts 1 --wait");
    assertThat(failed.exit()).as(failed.out()).isEqualTo(1);
    assertThat(failed.out()).contains("fail_at_step");
    assertThat(inTerminal(Map.of(), "task no-such-task").exit()).isEqualTo(3);
  }
}
