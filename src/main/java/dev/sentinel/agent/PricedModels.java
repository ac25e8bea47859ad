package dev.sentinel.agent;

/**
 * The models an llm node may name: those with a price (an unpriced model would spend money
 * nobody can count). The cost package's price table is one; the agent package needs no more of it.
 */
public interface PricedModels {
  boolean isPriced(String model);

  /** Names the prices, for messages. */
  String version();
}
