package dev.sentinel.bench;

import dev.sentinel.testing.RedisServerProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A redis-server as the benchmarks want it: AOF on with appendfsync everysec (the production
 * setting), noeviction, a free loopback port and a fresh directory, which is deleted after the
 * run (a 100,000-task AOF is hundreds of MB).
 */
public final class FreshRedis implements AutoCloseable {

  private final RedisServerProcess server = RedisServerProcess.start("everysec");

  public String url() { return server.url(); }

  public long pid() { return server.pid(); }

  @Override public void close() {
    server.close();
    try (Stream<Path> files = Files.walk(server.dir())) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("[bench] could not delete " + server.dir() + ": " + e.getMessage());
    }
  }
}
