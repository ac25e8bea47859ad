package dev.sentinel.store;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The zero-setup default: a real redis-server (the binary shipped in
 * com.github.codemonstur:embedded-redis) on a free loopback port, AOF on, data in the data dir.
 * For trying Sentinel out, not for production. Start and stop block: call them off the event loop.
 */
public final class EmbeddedRedis {

  private final RedisServer server;
  private final int port;
  private final Path dir;

  private EmbeddedRedis(RedisServer server, int port, Path dir) {
    this.server = server;
    this.port = port;
    this.dir = dir;
  }

  public static EmbeddedRedis start(Path dataDir, String appendfsync) throws IOException {
    Files.createDirectories(dataDir);
    int port = freeLoopbackPort();
    RedisServer server = RedisServer.newRedisServer()
        .port(port)
        .bind("127.0.0.1")
        .setting("dir " + dataDir)
        .setting("appendonly yes")
        .setting("appendfsync " + appendfsync)
        .setting("save \"\"")
        .setting("maxmemory-policy noeviction")
        .setting("protected-mode yes")
        .build();
    server.start();
    return new EmbeddedRedis(server, port, dataDir);
  }

  public String url() { return "redis://127.0.0.1:" + port; }

  public Path dir() { return dir; }

  public void stop() throws IOException {
    server.stop();
  }

  /** The OS picks the port; someone may take it before Redis binds, which start() then reports. */
  static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
