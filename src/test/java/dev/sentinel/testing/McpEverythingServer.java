package dev.sentinel.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The reference MCP server nobody here wrote, {@code @modelcontextprotocol/server-everything}
 * (npm), run with Node in streamable HTTP mode on a free loopback port: tools {@code echo},
 * {@code get-sum}, ... at {@link #url()}. Installed with npm into ~/.cache/sentinel-mcp (or
 * {@code SENTINEL_MCP_CACHE}) when missing, a pinned version, so tests need the npm registry
 * once per machine. No Node or npm on the machine is a test failure that says so, never a skip.
 * Its log (every POST it received) is kept in its own file for the tests that read it.
 */
public final class McpEverythingServer implements AutoCloseable {

  /** The version the tests were written against (its first tool is echo {message}). */
  public static final String VERSION = "2026.8.31";
  private static final String PACKAGE = "@modelcontextprotocol/server-everything";

  private final Path entry;
  private final int port;
  private final Path log;
  private Process process;

  private McpEverythingServer(Path entry, int port, Path log) {
    this.entry = entry;
    this.port = port;
    this.log = log;
  }

  public static McpEverythingServer start() {
    try {
      McpEverythingServer server = new McpEverythingServer(installed(), RedisServerProcess.freePort(),
          Files.createTempFile("mcp-everything-", ".log"));
      server.launch();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the MCP server: " + e.getMessage(), e);
    }
  }

  /** Stops the server and starts a new one on the same port: it has forgotten every session. */
  public void restart() {
    close();
    launch();
  }

  private void launch() {
    try {
      ProcessBuilder pb = new ProcessBuilder(List.of(command("node"), entry.toString(), "streamableHttp"))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put("PORT", String.valueOf(port));
      Process p = pb.start();
      process = p;
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
        if (!p.isAlive()) throw new IllegalStateException("the MCP server exited: " + Files.readString(log));
        return listening(port);
      });
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the MCP server: " + e.getMessage(), e);
    }
  }

  /** http://127.0.0.1:PORT/mcp */
  public String url() { return "http://127.0.0.1:" + port + "/mcp"; }

  /** What the server logged so far (one "Received MCP POST request" per JSON-RPC message). */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The package's entry script, installed first when missing. */
  static Path installed() {
    Path cache = Path.of(System.getenv().getOrDefault("SENTINEL_MCP_CACHE",
        System.getProperty("user.home") + "/.cache/sentinel-mcp"));
    Path entry = cache.resolve("node_modules/" + PACKAGE + "/dist/index.js");
    Path pkg = cache.resolve("node_modules/" + PACKAGE + "/package.json");
    try {
      if (Files.isRegularFile(entry) && Files.readString(pkg).contains("\"version\": \"" + VERSION + "\"")) return entry;
      Files.createDirectories(cache);
      Process npm = new ProcessBuilder(command("npm"), "install", "--no-audit", "--no-fund", "--prefix", cache.toString(),
          PACKAGE + "@" + VERSION).redirectErrorStream(true).start();
      String out = new String(npm.getInputStream().readAllBytes());
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isRegularFile(entry)) {
        throw new IllegalStateException("npm install " + PACKAGE + "@" + VERSION + " into " + cache + " failed:\n" + out);
      }
      return entry;
    } catch (IOException e) {
      throw new IllegalStateException("cannot install " + PACKAGE + " into " + cache + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** node / npm from PATH; missing is a failure naming what to install (never a silent skip). */
  private static String command(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
    }
    throw new IllegalStateException(name + " is not on PATH: the MCP tests run the reference MCP server with Node 20+"
        + " and npm (apt-get install nodejs npm)");
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
