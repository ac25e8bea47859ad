package dev.sentinel.agent;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The noop agent's wait parameters: where the wait nodes go, and what is refused at submission. */
class NoopAgentWaitsTest {

  private final NoopAgent noop = new NoopAgent();

  @Test void waitNodesGoInFrontOfTheStepTheyName() {
    JsonObject p = new JsonObject().put("steps", 3).put("wait_input_at_step", 2).put("sleep_ms_at_step", 2).put("sleep_ms", 8000);
    noop.validate(p);
    AgentGraph g = noop.graph(p);
    assertThat(g.linearLength()).hasValue(5);
    assertThat(g.next("step-1", new JsonObject())).isEqualTo("sleep");
    assertThat(g.next("sleep", new JsonObject())).isEqualTo("wait-input");
    assertThat(g.next("wait-input", new JsonObject())).isEqualTo("step-2");
    assertThat(g.node("wait-input").outputKey()).isEqualTo("input");
    assertThat(g.node("sleep").config().getLong("duration_ms")).isEqualTo(8000L);
  }

  @Test void waitParametersOutOfRangeOrAloneAreRefused() {
    assertThatThrownBy(() -> noop.validate(new JsonObject().put("steps", 2).put("wait_input_at_step", 3)))
        .isInstanceOf(InvalidTaskParamsException.class).hasMessageContaining("wait_input_at_step");
    assertThatThrownBy(() -> noop.validate(new JsonObject().put("wait_input_at_step", 0)))
        .isInstanceOf(InvalidTaskParamsException.class);
    assertThatThrownBy(() -> noop.validate(new JsonObject().put("sleep_ms", 10)))
        .isInstanceOf(InvalidTaskParamsException.class).hasMessageContaining("go together");
    assertThatThrownBy(() -> noop.validate(new JsonObject().put("sleep_ms_at_step", 1).put("sleep_ms", -1)))
        .isInstanceOf(InvalidTaskParamsException.class).hasMessageContaining("sleep_ms");
    noop.validate(new JsonObject().put("sleep_ms_at_step", 1).put("sleep_ms", 7 * 24 * 3600 * 1000));
  }
}
