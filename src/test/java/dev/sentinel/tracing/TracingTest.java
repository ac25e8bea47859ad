package dev.sentinel.tracing;

import io.opentelemetry.api.trace.Span;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TracingTest {

  @Test void tracingIsOffUnlessTheEnvironmentNamesWhereSpansGo() {
    assertThat(Tracing.wanted(Map.of())).isFalse();
    assertThat(Tracing.wanted(Map.of("OTEL_SERVICE_NAME", "sentinel"))).isFalse();
    assertThat(Tracing.wanted(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isTrue();
    assertThat(Tracing.wanted(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces"))).isTrue();
    assertThat(Tracing.wanted(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
    assertThat(Tracing.wanted(Map.of("OTEL_SDK_DISABLED", "false"))).isTrue();
    assertThat(Tracing.wanted(Map.of("OTEL_SDK_DISABLED", "true", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"))).isFalse();
    assertThat(Tracing.wanted(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"))).isFalse();
  }

  @Test void offASubmissionHasNoContextToStoreWhateverTheCallerSent() {
    Span span = Tracing.off().tasks().startSubmit("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null, "acme", "noop");
    assertThat(TraceParent.of(span)).isNull();
  }

  @Test void aStoredTraceparentNamesItsTraceAndAMalformedOneNone() {
    String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assertThat(TraceParent.traceId(tp)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(TraceParent.of(Span.fromContext(TraceParent.parse(tp)))).isEqualTo(tp);
    assertThat(TraceParent.traceId("garbage")).isNull();
    assertThat(TraceParent.traceId(null)).isNull();
  }

  @Test void offAClaimStillNamesTheStoredTraceForLogLines() {
    ClaimSpan claim = Tracing.off().tasks().startClaim(new ClaimSpan.Claim(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "t-1", "acme", "noop", "w", 2, "c:1", 0, 0));
    assertThat(claim.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }
}
