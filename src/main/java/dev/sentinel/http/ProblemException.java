package dev.sentinel.http;

/** Thrown by request parsing; the router's failure handler renders it as problem+json. */
public final class ProblemException extends RuntimeException {
  private final Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() { return problem; }
}
