package dev.sentinel.store;

/**
 * One committed step as the history holds it, parsed once: the step number, its node, the
 * claim it was committed under (epoch, claim id and the worker the claim id names) and when
 * (Redis-clock ms), and how long its node ran ({@code runMs}, null for records written before
 * schema version 2).
 */
public record StepRecord(int step, String node, long epoch, String claim, String workerId, long committedAt, Long runMs) {}
