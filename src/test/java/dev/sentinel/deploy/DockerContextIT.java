package dev.sentinel.deploy;

import dev.sentinel.deploy.DockerfileStages.Copy;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No Docker daemon runs here, so the image is checked the way it would break: its build stage
 * is replayed on exactly the files the build context holds (the repository minus
 * .dockerignore), with the Dockerfile's own COPY lines and its {@code mvn package} command,
 * and the jar that comes out must start as an API node and serve its contract. The 0.2.0
 * Dockerfile copied pom.xml, conf/ and src/ only: its jar had no openapi.yaml and exited 1.
 */
class DockerContextIT {

  private static final Path REPO = Path.of("").toAbsolutePath();

  @TempDir Path workdir;
  RedisServerProcess redis;
  SentinelProcess node;

  @AfterEach void stop() {
    if (node != null) node.close();
    if (redis != null) redis.close();
  }

  @Test void theBuildStageMakesFromTheContextAloneAJarThatStartsAndServesItsContract() throws Exception {
    List<String> context = DockerIgnore.read(REPO.resolve(".dockerignore")).contextFiles(REPO);
    assertThat(context).contains("pom.xml", "openapi.yaml", "conf/sentinel.yaml")
        .noneMatch(p -> p.startsWith("target/") || p.startsWith(".git/") || p.startsWith("data/"));

    DockerfileStages dockerfile = DockerfileStages.read(REPO.resolve("Dockerfile"));
    for (Copy copy : dockerfile.buildStageCopies()) copy(context, copy);
    String packaging = dockerfile.buildStageRuns().stream().filter(r -> r.matches("mvn .*\\bpackage\\b.*"))
        .findFirst().orElseThrow(() -> new AssertionError("the build stage has no `mvn ... package` step"));
    runOffline(packaging);

    Path jar = workdir.resolve("target/sentinel.jar");
    try (JarFile packed = new JarFile(jar.toFile())) {
      assertThat(packed.getEntry("openapi.yaml")).as("the contract is in the jar").isNotNull();
      assertThat(packed.getEntry("conf/sentinel.yaml")).as("the defaults are in the jar").isNotNull();
    }
    redis = RedisServerProcess.start();
    int port = RedisServerProcess.freePort();
    node = SentinelProcess.startJar(jar, "docker-context-api", "api",
        Map.of("SENTINEL_REDIS_URL", redis.url(), "SENTINEL_HTTP_PORT", String.valueOf(port)));
    Http api = new Http(port);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
      assertThat(node.isAlive()).as(node.log()).isTrue();
      assertThat(api.get("/health").status()).isEqualTo(200);
    });
    assertThat(api.get("/openapi.yaml").body()).startsWith("openapi:");
  }

  /** Docker's COPY: a file to the destination, a directory's contents into it, "." the whole context. */
  private void copy(List<String> context, Copy copy) throws IOException {
    Path destination = workdir.resolve(copy.destination());
    for (String source : copy.sources()) {
      String dir = source.equals(".") ? "" : source.replaceAll("/+$", "") + "/";
      for (String file : context) {
        String relative = file.equals(source) ? Path.of(file).getFileName().toString()
            : file.startsWith(dir) ? file.substring(dir.length()) : null;
        if (relative == null) continue;
        Path target = destination.resolve(relative);
        Files.createDirectories(target.getParent());
        Files.copy(REPO.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /**
   * The Dockerfile's command, offline against this build's local repository: the build running
   * this test has fetched every plugin and dependency it needs (the image's own
   * `dependency:go-offline` layer is only a cache and is not replayed).
   */
  private void runOffline(String command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(command.split("\\s+")));
    cmd.set(0, mavenExecutable());
    cmd.add(1, "-o");
    String repo = System.getProperty("maven.repo.local");
    if (repo != null && !repo.isBlank()) cmd.add(1, "-Dmaven.repo.local=" + repo);
    Path log = workdir.resolve("build.log");
    Process build = new ProcessBuilder(cmd).directory(workdir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    boolean done = build.waitFor(10, TimeUnit.MINUTES);
    if (!done) build.destroyForcibly();
    String output = Files.readString(log);
    assertThat(done && build.exitValue() == 0)
        .as(String.join(" ", cmd) + " failed:\n" + output.substring(Math.max(0, output.length() - 4000))).isTrue();
  }

  private static String mavenExecutable() {
    String home = System.getProperty("maven.home", System.getenv("MAVEN_HOME"));
    if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) return Path.of(home, "bin", "mvn").toString();
    return "mvn";
  }
}
