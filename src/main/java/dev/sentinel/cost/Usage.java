package dev.sentinel.cost;

/**
 * Tokens of one call, as the provider reported them. {@code cachedInput} is part of
 * {@code input}, {@code reasoning} part of {@code output}, as in OpenAI's usage object.
 */
public record Usage(long input, long output, long cachedInput, long reasoning) {

  /** A rough count when nothing better is known: about four characters per token. */
  public static long estimateTokens(int chars) {
    return Math.max(1, (chars + 3) / 4);
  }
}
