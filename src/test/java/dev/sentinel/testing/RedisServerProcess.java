package dev.sentinel.testing;

import redis.embedded.core.ExecutableProvider;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server for tests, on a free loopback port in its own directory: the one on PATH
 * (CI installs it), else the binary shipped in embedded-redis (Redis 6.2, the oldest we
 * support). Never the machine's 6379.
 * It can be killed with SIGKILL, restarted on the same port from its AOF, and paused with
 * SIGSTOP, because failure tests need a real process to hurt.
 */
public final class RedisServerProcess implements AutoCloseable {

  private final String binary;
  private final int port;
  private final Path dir;
  private final String appendfsync;
  private Process process;

  private RedisServerProcess(String binary, int port, Path dir, String appendfsync) {
    this.binary = binary;
    this.port = port;
    this.dir = dir;
    this.appendfsync = appendfsync;
  }

  /** AOF off: fastest, for tests that never restart Redis. */
  public static RedisServerProcess start() {
    return start(null);
  }

  /** @param appendfsync always | everysec | no, or null for no AOF at all */
  public static RedisServerProcess start(String appendfsync) {
    try {
      RedisServerProcess r = new RedisServerProcess(binary(), freePort(), Files.createTempDirectory("sentinel-redis-"), appendfsync);
      r.launch();
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server for tests", e);
    }
  }

  public String url() { return "redis://127.0.0.1:" + port; }

  public int port() { return port; }

  public long pid() { return process.pid(); }

  /** Its working directory (AOF, redis.log); benchmarks delete it after a run. */
  public Path dir() { return dir; }

  public boolean isAlive() { return process != null && process.isAlive(); }

  /** SIGKILL: no shutdown, no final fsync; what survives is what the AOF already had. */
  public void kill9() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Start again on the same port and directory, loading the AOF. */
  public void restart() {
    if (isAlive()) kill9();
    try {
      launch();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public void pause() { signal("STOP"); }

  public void resume() { signal("CONT"); }

  @Override public void close() {
    if (process != null) {
      resume();
      kill9();
    }
  }

  private void launch() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--maxmemory-policy", "noeviction", "--protected-mode", "yes"));
    if (appendfsync == null) cmd.addAll(List.of("--appendonly", "no"));
    else cmd.addAll(List.of("--appendonly", "yes", "--appendfsync", appendfsync));
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
    // a test that dies before close() must not leave its server behind
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "redis-" + port + "-reaper"));
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!answersPing()) {
      if (!process.isAlive()) throw new IOException("redis-server exited; see " + dir.resolve("redis.log"));
      if (System.nanoTime() > deadline) throw new IOException("redis-server did not become ready on port " + port);
      sleep(20);
    }
  }

  /** PING over a raw socket: also false while Redis is still loading its AOF. */
  private boolean answersPing() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      s.setSoTimeout(500);
      s.getOutputStream().write("PING\r\n".getBytes());
      byte[] buf = new byte[64];
      int n = s.getInputStream().read(buf);
      return n > 0 && new String(buf, 0, n).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private void signal(String sig) {
    if (!isAlive()) return;
    try {
      new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SENTINEL_TEST_REDIS=embedded forces the shipped binary (Redis 6.2), as on a machine without redis-server. */
  private static String binary() throws IOException {
    if ("embedded".equals(System.getenv("SENTINEL_TEST_REDIS"))) {
      return ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "redis-server");
      if (f.canExecute()) return f.getAbsolutePath();
    }
    return ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
