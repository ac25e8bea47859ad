package dev.sentinel.http.fuzz;

import dev.sentinel.testing.RawHttpClient;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as a fuzz test sends it: the target already encoded (or deliberately not), the
 * headers in order, the body as bytes (null: none).
 *
 * @param op  the operationId it aims at, or a name for what it probes ("unknownPath", ...)
 * @param raw send it over a raw socket ({@link RawHttpClient}), because
 *            java.net.http could not carry it or to vary the client
 */
public record FuzzRequest(String op, String method, String target, List<Map.Entry<String, String>> headers, byte[] body,
                          Auth auth, boolean raw) {

  /** Who the request claims to be. Only ADMIN and TENANT requests can get past authentication. */
  public enum Auth { ADMIN, TENANT, NONE, GARBAGE }

  public boolean mutating() {
    return switch (method.toUpperCase(Locale.ROOT)) {
      case "POST", "PUT", "PATCH", "DELETE" -> true;
      default -> false;
    };
  }
}
