package dev.sentinel.auth;

/**
 * Who is calling: an admin key, a key bound to one tenant, or anyone (OPEN: no keys are
 * configured, which is only allowed on loopback). Handlers ask it before touching tenant data.
 */
public record Caller(Kind kind, String tenantId, String keyId) {

  public enum Kind { ADMIN, TENANT, OPEN }

  public static final Caller OPEN = new Caller(Kind.OPEN, null, null);

  public static Caller admin(String keyId) { return new Caller(Kind.ADMIN, null, keyId); }

  public static Caller tenant(String tenantId, String keyId) { return new Caller(Kind.TENANT, tenantId, keyId); }

  /** Admin operations: managing keys and limits, seeing workers. */
  public boolean isAdmin() { return kind != Kind.TENANT; }

  /** Whether this caller may see and touch the given tenant's tasks, costs and limits. */
  public boolean mayAccess(String tenant) { return kind != Kind.TENANT || tenantId.equals(tenant); }
}
