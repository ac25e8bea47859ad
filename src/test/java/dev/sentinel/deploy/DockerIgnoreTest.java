package dev.sentinel.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The .dockerignore reading DockerContextIT relies on, against the cases Docker documents. */
class DockerIgnoreTest {

  @Test void aMatchingDirectoryExcludesEverythingBelowIt() {
    DockerIgnore ignore = DockerIgnore.parse(List.of("target", "/docs/"));
    assertThat(ignore.excludes("target/sentinel.jar")).isTrue();
    assertThat(ignore.excludes("target/classes/a/B.class")).isTrue();
    assertThat(ignore.excludes("docs/reliability.md")).isTrue();
    assertThat(ignore.excludes("src/main/target/x")).isFalse();   // anchored at the root
    assertThat(ignore.excludes("targets.txt")).isFalse();
  }

  @Test void starsStayInOneDirectoryAndDoubleStarsCrossThem() {
    DockerIgnore ignore = DockerIgnore.parse(List.of("*.md", "**/*.log"));
    assertThat(ignore.excludes("README.md")).isTrue();
    assertThat(ignore.excludes("docs/architecture.md")).isFalse();
    assertThat(ignore.excludes("app.log")).isTrue();
    assertThat(ignore.excludes("a/b/c.log")).isTrue();
  }

  @Test void theLastMatchingLineWinsAndAnExclamationMarkReincludes() {
    DockerIgnore ignore = DockerIgnore.parse(List.of("# comment", "*.md", "!README.md", ""));
    assertThat(ignore.excludes("BENCHMARKS.md")).isTrue();
    assertThat(ignore.excludes("README.md")).isFalse();
    assertThat(DockerIgnore.parse(List.of("!README.md", "*.md")).excludes("README.md")).isTrue();
  }
}
