package dev.sentinel.agent;

/** A node stopped because its task was cancelled or lost; never counted as a node failure. */
public final class NodeCancelledException extends RuntimeException {
  public NodeCancelledException(String reason) {
    super("node cancelled: " + reason, null, false, false);
  }
}
