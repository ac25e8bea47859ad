package dev.sentinel.llm;

import dev.sentinel.cost.Usage;

/** A finished call: the answer, what it used, and how long it took. */
public record LlmResponse(String text, Usage usage, String model, long latencyMs, String finishReason) {}
