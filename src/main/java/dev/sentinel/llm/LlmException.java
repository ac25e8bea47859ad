package dev.sentinel.llm;

/** A call that failed for good (after the retries the configuration allows). */
public final class LlmException extends RuntimeException {
  public LlmException(String message) {
    super(message, null, false, false);
  }
}
