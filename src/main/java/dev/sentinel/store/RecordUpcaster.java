package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * Raises a step record of schema version {@link #from()} to the next version. One upcaster per
 * version step, so a record written by any earlier build reaches the current shape by running
 * the chain from its own version; a new version adds one upcaster and changes no old one.
 */
public interface RecordUpcaster {

  /** The version of the records this upcaster reads; it returns them at {@code from() + 1}. */
  int from();

  /** The record at the next version. It may change and return the record given (a freshly decoded copy). */
  JsonObject raise(JsonObject record);
}
