package dev.sentinel.store;

/** The fencing token a claim grants: every write of the holder names it, and Redis checks both parts. */
public record Lease(long epoch, String claim) {}
