package dev.sentinel.cli;

/** What a command's exit status means, for scripts: the README's table. */
public final class ExitCode {
  private ExitCode() {}

  /** Done: the command did what it was asked (with --wait: the task completed). */
  public static final int OK = 0;
  /** The task failed or was cancelled (submit --wait), or the command's own action failed. */
  public static final int TASK_FAILED = 1;
  /** Bad usage: unknown option, bad value, or the server refused the request as invalid (400, 409, 422). */
  public static final int USAGE = 2;
  /** Not found (404) or not allowed (401, 403). */
  public static final int NOT_FOUND_OR_DENIED = 3;
  /** The server could not be reached or failed (5xx). */
  public static final int UNAVAILABLE = 4;
}
