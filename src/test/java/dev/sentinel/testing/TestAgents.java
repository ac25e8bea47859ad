package dev.sentinel.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Agent definitions the tests load through {@code agents.dir}, as an operator's would be. */
public final class TestAgents {

  private TestAgents() {}

  /** src/test/resources/agents-with-tools: weather-agent, an agent node offering the http tool. */
  public static Path withTools() {
    URL dir = TestAgents.class.getResource("/agents-with-tools");
    if (dir == null) throw new IllegalStateException("agents-with-tools is not on the test class path");
    try {
      return Path.of(dir.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
