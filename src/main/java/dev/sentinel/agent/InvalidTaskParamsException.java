package dev.sentinel.agent;

/** task_params that an agent cannot run; {@code field} is the JSON path, e.g. "task_params.steps". */
public final class InvalidTaskParamsException extends RuntimeException {
  private final String field;

  public InvalidTaskParamsException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  public String field() { return field; }
}
