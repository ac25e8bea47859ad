package dev.sentinel.tools;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
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
 *
 * <p>An IPv6 address can carry an IPv4 one that the network stack or a translator on the path
 * delivers to, so an internal IPv4 address must not get through in IPv6 form:
 * <ul>
 *   <li>IPv4-mapped {@code ::ffff:0:0/96}, NAT64 {@code 64:ff9b::/96} (RFC 6052) and 6to4
 *   {@code 2002::/16} (RFC 3056, IPv4 in bytes 2..5) are judged by the IPv4 address they carry,
 *   with the IPv4 rule: a public one passes. NAT64 stays open because a DNS64 resolver on an
 *   IPv6-only host answers {@code 64:ff9b::} addresses for every IPv4-only site, and refusing them
 *   would break the http node there. 6to4 is nearly extinct, but its public form is a public
 *   host and the embedding is fixed, so the IPv4 rule decides it as exactly as it does IPv4.</li>
 *   <li>Local-use NAT64 {@code 64:ff9b:1::/48} (RFC 8215) is refused whole: the operator picks
 *   the prefix length, so where the IPv4 address sits cannot be read from the address, and the
 *   prefix is local to one network by definition.</li>
 *   <li>IPv4-compatible {@code ::/96} is refused whole: deprecated since RFC 4291, no resolver
 *   hands it out for a real site, and some stacks still route it to the IPv4 address. It holds
 *   {@code ::} and {@code ::1}, refused anyway.</li>
 * </ul>
 * Not covered: Teredo ({@code 2001::/32}, the client address obfuscated) and network-specific
 * NAT64 prefixes outside {@code 64:ff9b::/32}, which only the local network's operator knows.
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
    } catch (UnknownHostException e) {
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
      // the IPv4-in-IPv6 forms; the class comment says why each is judged or refused whole
      if (startsWith(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) return true;   // IPv4-compatible ::/96
      if (startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) return true;   // local-use NAT64 64:ff9b:1::/48
      if (startsWith(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff)) return isInternal(ipv4(b, 12));   // ::ffff:0:0/96
      if (startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0)) return isInternal(ipv4(b, 12));   // NAT64
      if (startsWith(b, 0x20, 0x02)) return isInternal(ipv4(b, 2));   // 6to4 2002::/16
    }
    return false;
  }

  private static boolean startsWith(byte[] address, int... prefix) {
    for (int i = 0; i < prefix.length; i++) if ((address[i] & 0xff) != prefix[i]) return false;
    return true;
  }

  /** The IPv4 address an IPv6 one carries in its four bytes from {@code offset}. */
  private static InetAddress ipv4(byte[] address, int offset) {
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(address, offset, offset + 4));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }
}
