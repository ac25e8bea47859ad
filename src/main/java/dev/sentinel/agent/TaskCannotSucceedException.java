package dev.sentinel.agent;

/**
 * A node's failure that no retry can mend (the task's cost_limit would be exceeded, a plugin's
 * verdict): the task fails now, whatever attempts it has left. Node kinds throw it, or a
 * subclass of it; the worker knows only this type.
 */
public class TaskCannotSucceedException extends RuntimeException {
  public TaskCannotSucceedException(String message) {
    super(message, null, false, false);
  }
}
