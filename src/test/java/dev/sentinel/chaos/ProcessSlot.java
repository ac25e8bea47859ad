package dev.sentinel.chaos;

import dev.sentinel.testing.SentinelProcess;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One Sentinel process position in the cluster (w1, watcher2, api...): it can be killed and
 * started again with the same name, roles and environment. A restart is a new OS process, so
 * a new worker id; the old one's tasks belong to no one until the watcher takes them back.
 */
final class ProcessSlot implements AutoCloseable {

  private final String name;
  private final String roles;
  private final Map<String, String> env;
  private final List<Path> classpathFirst;
  private SentinelProcess process;

  ProcessSlot(String name, String roles, Map<String, String> env, List<Path> classpathFirst) {
    this.name = name;
    this.roles = roles;
    this.env = Map.copyOf(env);
    this.classpathFirst = List.copyOf(classpathFirst);
  }

  String name() { return name; }

  synchronized ProcessSlot start() {
    process = SentinelProcess.start(name, roles, env, classpathFirst);
    return this;
  }

  synchronized SentinelProcess process() { return process; }

  /**
   * The prefix of every worker id this incarnation uses: MainVerticle names worker verticles
   * HOSTNAME-pid-random-wN, and the harness sets HOSTNAME to the slot's name.
   */
  synchronized String workerIdPrefix() { return name + "-" + process.pid() + "-"; }

  synchronized boolean isUp() { return process != null && process.isAlive() && process.log().contains(" up: roles"); }

  synchronized void kill9() { process.kill9(); }

  synchronized void pause() { process.pause(); }

  synchronized void resume() { process.resume(); }

  synchronized boolean isAlive() { return process != null && process.isAlive(); }

  @Override public synchronized void close() {
    if (process != null) process.close();
  }
}
