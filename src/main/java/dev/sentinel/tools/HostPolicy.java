package dev.sentinel.tools;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which addresses a tool call may reach (no SSRF). A URL's host (or host:port) must be on the
 * allow-list. A host is resolved once and the call connects to that very address (no DNS
 * rebinding between check and use). Loopback, private, link-local (cloud metadata at
 * 169.254.169.254), unique-local, carrier-grade NAT, multicast and unspecified addresses are
 * refused, unless the URL names that address literally and the literal is on the allow-list.
 */
public final class HostPolicy {

  private final Set<String> allowed;

  public HostPolicy(List<String> allowedHosts) {
    this.allowed = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Why this URL may not be called at all, before any lookup; empty when it may be. */
  public Optional<String> refuseUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) return Optional.of("only http and https URLs may be called");
    if (url.getHost() == null || url.getRawUserInfo() != null) return Optional.of("the URL has no plain host");
    if (!isListed(url)) return Optional.of("host " + hostPort(url) + " is not on tools.http.allowed_hosts");
    return Optional.empty();
  }

  /** Why this resolved address may not be called; empty when it may be. */
  public Optional<String> refuseAddress(URI url, InetAddress address) {
    if (!isInternal(address)) return Optional.empty();
    if (isListed(url) && literalAddress(url.getHost()).map(address::equals).orElse(false)) return Optional.empty();
    return Optional.of("host " + url.getHost() + " resolves to the internal address " + address.getHostAddress()
        + ", which is refused (allow-list the address itself to reach it)");
  }

  /** The address a host names literally ([::1], 10.0.0.5), parsed without any lookup; empty for names. */
  static Optional<InetAddress> literalAddress(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean v4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = h.contains(":") && h.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) return Optional.empty();
    try {
      return Optional.of(InetAddress.getByName(h));   // a literal: no DNS
    } catch (java.net.UnknownHostException e) {
      return Optional.empty();
    }
  }

  private boolean isListed(URI url) {
    String host = url.getHost().toLowerCase(Locale.ROOT);
    return allowed.contains(host) || allowed.contains(hostPort(url));
  }

  static String hostPort(URI url) {
    int port = url.getPort() > 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    return url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  static boolean isInternal(InetAddress a) {
    if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
        || a.isMulticastAddress()) return true;
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff, second = b[1] & 0xff;
      return first == 0 || (first == 100 && second >= 64 && second <= 127)   // carrier-grade NAT
          || (first == 192 && second == 0 && (b[2] & 0xff) == 0) || first >= 240;
    }
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) return true;   // unique local fc00::/7
      boolean v4mapped = true;
      for (int i = 0; i < 10; i++) v4mapped &= b[i] == 0;
      if (v4mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (java.net.UnknownHostException e) {
          return true;
        }
      }
    }
    return false;
  }
}
