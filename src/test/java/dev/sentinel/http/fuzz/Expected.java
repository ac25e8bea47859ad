package dev.sentinel.http.fuzz;

/** What the contract says of a request a fuzz test generated. */
public enum Expected {
  /** The schema forbids it: the answer must be a 4xx problem, and Redis must not change. */
  REFUSED,
  /** The schema allows it: the server may still refuse for another reason, never with a 422 naming this field. */
  ACCEPTED,
  /**
   * The schema allows it, but a server may fairly refuse it: a number below what a double holds
   * (1e-400), a lenient spelling ({@code +5}, {@code 05}), a lower-case {@code t} in a date-time.
   * Only the invariants hold (no 5xx; a refusal is a problem and changes nothing).
   */
  EITHER;

  /** The weaker of the two: what holds when both parts of a request must be acceptable. */
  Expected and(Expected other) {
    if (this == REFUSED || other == REFUSED) return REFUSED;
    if (this == EITHER || other == EITHER) return EITHER;
    return ACCEPTED;
  }
}
