package dev.sentinel.store;

import redis.embedded.core.ExecutableProvider;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The zero-setup default: a real redis-server (the binary shipped in
 * com.github.codemonstur:embedded-redis) on a free loopback port, AOF on, data in the data dir.
 * For trying Sentinel out, not for production. Start and stop block: call them off the event loop.
 *
 * <p>We run the binary ourselves rather than through the library's RedisServer, because that
 * class stops Redis from a JVM shutdown hook, concurrently with our own shutdown: the workers
 * could then not hand their tasks back. Here Redis stops last, after the verticles.
 */
public final class EmbeddedRedis {

  private static final System.Logger LOG = System.getLogger(EmbeddedRedis.class.getName());
  private static final String PID_FILE = "redis.pid";

  private final Process process;
  private final int port;
  private final Path dir;

  private EmbeddedRedis(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  public static EmbeddedRedis start(Path dataDir, String appendfsync) throws IOException {
    Files.createDirectories(dataDir);
    stopLeftover(dataDir);
    int port = freeLoopbackPort();
    String binary = ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
    List<String> command = new ArrayList<>();
    // Its own session: Ctrl+C in a terminal (or a signal to our process group) must not stop
    // Redis under workers that are still handing their tasks back; we stop it last ourselves.
    setsid().ifPresent(command::add);
    command.addAll(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--dir", dataDir.toString(), "--pidfile", dataDir.resolve(PID_FILE).toString(),
        "--appendonly", "yes", "--appendfsync", appendfsync, "--save", "",
        "--maxmemory-policy", "noeviction", "--protected-mode", "yes"));
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("redis.log").toFile()))
        .start();
    EmbeddedRedis redis = new EmbeddedRedis(p, port, dataDir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);   // loading a large AOF takes a while
    while (!redis.answersPing()) {
      if (!p.isAlive()) throw new IOException("embedded redis-server exited at start; see " + dataDir.resolve("redis.log"));
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IOException("embedded redis-server was not ready within 60 s; see " + dataDir.resolve("redis.log"));
      }
      sleep(20);
    }
    return redis;
  }

  public String url() { return "redis://127.0.0.1:" + port; }

  public Path dir() { return dir; }

  /** SIGTERM: Redis fsyncs its AOF and exits. */
  public void stop() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A Sentinel killed with SIGKILL leaves its Redis running on the data dir. Two servers must
   * never append to one AOF, so a leftover redis-server named in the pid file is stopped first.
   */
  private static void stopLeftover(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve(PID_FILE);
    if (!Files.exists(pidFile)) return;
    Optional<ProcessHandle> old;
    try {
      old = ProcessHandle.of(Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim()));
    } catch (NumberFormatException e) {
      return;
    }
    if (old.isEmpty() || !old.get().isAlive()
        || !old.get().info().command().map(c -> c.contains("redis-server")).orElse(false)) return;
    LOG.log(System.Logger.Level.WARNING, "stopping a leftover embedded redis-server (pid " + old.get().pid() + ") on " + dataDir);
    old.get().destroy();
    try {
      old.get().onExit().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      old.get().destroyForcibly();
    }
  }

  private static Optional<String> setsid() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "setsid");
      if (Files.isExecutable(candidate)) return Optional.of(candidate.toString());
    }
    return Optional.empty();
  }

  private boolean answersPing() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      s.setSoTimeout(1000);
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[16];
      int n = s.getInputStream().read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /** The OS picks the port; someone may take it before Redis binds, which start() then reports. */
  static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
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
