package dev.sentinel.llm;

import dev.sentinel.agent.NodeContext;
import dev.sentinel.cost.Usd;
import dev.sentinel.tracing.TaskSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

/**
 * The span of one LLM call (provider retries included), a child of its node's span. Names follow
 * OpenTelemetry's GenAI conventions ("chat {model}", gen_ai.*), so trace tools show the model and
 * tokens without configuration; the cost and the fencing token are Sentinel's own attributes.
 */
final class LlmCallSpan {

  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
  private static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  private static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("sentinel.cost_usd");
  private static final AttributeKey<String> CALL_ID = AttributeKey.stringKey("sentinel.call_id");

  private LlmCallSpan() {}

  static Span start(NodeContext ctx, String model, String provider, String callId) {
    Span span = ctx.trace().startChild("chat " + model, SpanKind.CLIENT);
    if (!span.isRecording()) return span;   // tracing off: skip building the attributes
    return span.setAttribute(OPERATION, "chat").setAttribute(SYSTEM, provider).setAttribute(REQUEST_MODEL, model)
        .setAttribute(CALL_ID, callId).setAttribute(TaskSpans.TASK_ID, ctx.taskId())
        .setAttribute(TaskSpans.EPOCH, ctx.lease().epoch()).setAttribute(TaskSpans.CLAIM, ctx.lease().claim());
  }

  static void answered(Span span, LlmResponse resp, long costNanos) {
    if (span.isRecording()) {
      span.setAttribute(RESPONSE_MODEL, resp.model()).setAttribute(INPUT_TOKENS, resp.usage().input())
          .setAttribute(OUTPUT_TOKENS, resp.usage().output()).setAttribute(COST_USD, Usd.ofNanos(costNanos).doubleValue());
    }
    span.end();
  }

  static void failed(Span span, Throwable e) {
    span.recordException(e);
    span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
    span.end();
  }
}
