package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The schema version of step records and the chain that raises any older record to it. Step
 * records carry {@code "v":<version>} (a record without it is version 1); every record read from
 * a history passes through {@link #upcast} before anything interprets it, so the readers (the
 * checkpoint a worker resumes from, the checkpoint and step views, withClaims, the events) see
 * one shape whatever build wrote the record.
 *
 * <p>The rule for a new version: raise {@link #CURRENT}, write the new field(s) in
 * {@link History#stepRecordTail}, and add one upcaster from the previous version that gives old
 * records the new shape (or leaves a field they cannot know absent). Old upcasters never change.
 * A record of a version newer than this build's (a node not yet upgraded, in a rolling upgrade)
 * is read as it is: versions only add fields, and a change that cannot be read that way must
 * wait until every node runs a build that knows it. replay.lua copies records without reading
 * their fields beyond step, epoch and next (next_node in version 1): it keeps their version.
 *
 * <p>Only step records are versioned: they are the checkpoint. The other records (claimed,
 * completed, ...) are events, shown as they were written.
 */
public final class RecordUpcasters {

  /** The step record version this build writes; the API's checkpoint {@code schema_version}. */
  public static final int CURRENT = 2;
  /** A short name: it is written into every step record. */
  static final String VERSION_FIELD = "v";

  /** The upcasters of this build, one per version step. Immutable, so shared. */
  public static final RecordUpcasters STEP_RECORDS = new RecordUpcasters(List.of(new StepRecordV1ToV2()));

  private final RecordUpcaster[] byFrom;

  RecordUpcasters(List<RecordUpcaster> chain) {
    byFrom = new RecordUpcaster[CURRENT];
    for (RecordUpcaster u : chain) {
      if (u.from() < 1 || u.from() >= CURRENT || byFrom[u.from()] != null) {
        throw new IllegalStateException("step record upcaster from version " + u.from() + " does not fit a chain from 1 to "
            + CURRENT);
      }
      byFrom[u.from()] = u;
    }
    for (int v = 1; v < CURRENT; v++) {
      if (byFrom[v] == null) throw new IllegalStateException("no step record upcaster from version " + v);
    }
  }

  /** The version a record says it is: 1 when it names none. */
  public static int versionOf(JsonObject record) {
    Object v = record.getValue(VERSION_FIELD);
    return v == null ? 1 : Math.max(1, History.intOf(v));
  }

  /** The record at {@link #CURRENT} (changed in place); records that are not steps, and newer ones, as they are. */
  public JsonObject upcast(JsonObject record) {
    if (!History.isStep(record)) return record;
    JsonObject r = record;
    for (int v = versionOf(r); v < CURRENT; v++) r = byFrom[v].raise(r);
    return r;
  }
}
