package dev.sentinel.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The SSRF rules of the http tool, without any network: URLs and resolved addresses. */
class HostPolicyTest {

  private static InetAddress addr(String host, String literal) {
    try {
      return InetAddress.getByAddress(host, InetAddress.getByName(literal).getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- refuseUrl: before any lookup ----

  @Test void aHostNotOnTheAllowListIsRefused() {
    HostPolicy empty = new HostPolicy(List.of());
    assertThat(empty.refuseUrl(URI.create("https://api.example.com/v1/hook")))
        .hasValueSatisfying(why -> assertThat(why).contains("api.example.com:443").contains("allowed_hosts"));

    HostPolicy other = new HostPolicy(List.of("api.example.com"));
    assertThat(other.refuseUrl(URI.create("http://evil.example.net/"))).isPresent();
    // a listed host on another port than the one listed is not listed
    HostPolicy portOnly = new HostPolicy(List.of("api.example.com:8443"));
    assertThat(portOnly.refuseUrl(URI.create("https://api.example.com/"))).isPresent();
    assertThat(portOnly.refuseUrl(URI.create("https://api.example.com:8443/"))).isEmpty();
  }

  @Test void listedHostsMatchWithOrWithoutPortAndIgnoringCase() {
    HostPolicy p = new HostPolicy(List.of("  API.Example.com ", "hooks.example.com:8080", ""));
    assertThat(p.refuseUrl(URI.create("https://api.example.com/x"))).isEmpty();
    assertThat(p.refuseUrl(URI.create("http://API.EXAMPLE.COM:9999/x"))).isEmpty();
    assertThat(p.refuseUrl(URI.create("http://hooks.example.com:8080/x"))).isEmpty();
    assertThat(p.refuseUrl(URI.create("http://hooks.example.com/x"))).as("port 80 is not 8080").isPresent();
    // the default port is the scheme's
    HostPolicy withDefaultPort = new HostPolicy(List.of("api.example.com:443"));
    assertThat(withDefaultPort.refuseUrl(URI.create("https://api.example.com/x"))).isEmpty();
    assertThat(withDefaultPort.refuseUrl(URI.create("http://api.example.com/x"))).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"file:///etc/passwd", "ftp://api.example.com/x", "gopher://api.example.com:70/_x",
      "jar:http://api.example.com/x.jar!/", "api.example.com/x", "//api.example.com/x"})
  void nonHttpSchemesAreRefused(String url) {
    HostPolicy p = new HostPolicy(List.of("api.example.com", "api.example.com:70"));
    assertThat(p.refuseUrl(URI.create(url))).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://user@api.example.com/x", "http://user:pw@api.example.com/x",
      "http://api.example.com@127.0.0.1/x", "http://api.example.com:80@127.0.0.1:80/"})
  void userinfoIsRefused(String url) {
    HostPolicy p = new HostPolicy(List.of("api.example.com", "127.0.0.1"));
    assertThat(p.refuseUrl(URI.create(url))).isPresent();
  }

  @Test void aUrlWithoutAPlainHostIsRefused() {
    HostPolicy p = new HostPolicy(List.of("api.example.com"));
    assertThat(p.refuseUrl(URI.create("http:/x"))).isPresent();
    assertThat(p.refuseUrl(URI.create("http://under_score.example.com/x"))).isPresent();   // URI has no host for it
  }

  // ---- refuseAddress: after resolving an allow-listed hostname ----

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "10.0.0.5", "10.255.255.255", "172.16.0.1", "172.31.255.254",
      "192.168.1.1", "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "::",
      "fc00::1", "fd12:3456:789a::1", "fe80::1", "224.0.0.1", "ff02::1", "255.255.255.255", "::ffff:127.0.0.1",
      "::ffff:169.254.169.254", "::ffff:10.0.0.1"})
  void anAllowListedHostnameResolvingToAnInternalAddressIsRefused(String internal) {
    HostPolicy p = new HostPolicy(List.of("tool.example.com"));
    URI url = URI.create("http://tool.example.com/hook");
    assertThat(p.refuseUrl(url)).isEmpty();
    assertThat(p.refuseAddress(url, addr("tool.example.com", internal)))
        .hasValueSatisfying(why -> assertThat(why).contains("tool.example.com").contains("internal address"));
  }

  @Test void anIpv4MappedIpv6AddressIsCheckedAsTheIpv4AddressItCarries() throws Exception {
    // built as a real Inet6Address (InetAddress.getByAddress would hand back an Inet4Address)
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    InetAddress v6 = Inet6Address.getByAddress("tool.example.com", mapped, -1);
    assertThat(v6).isInstanceOf(Inet6Address.class);
    assertThat(v6.isLoopbackAddress()).as("the JDK does not call it loopback").isFalse();
    HostPolicy p = new HostPolicy(List.of("tool.example.com"));
    URI url = URI.create("http://tool.example.com/hook");
    assertThat(p.refuseAddress(url, v6)).isPresent();

    byte[] metadata = mapped.clone();
    metadata[12] = (byte) 169;
    metadata[13] = (byte) 254;
    metadata[14] = (byte) 169;
    metadata[15] = (byte) 254;
    assertThat(p.refuseAddress(url, Inet6Address.getByAddress("tool.example.com", metadata, -1))).isPresent();

    byte[] pub = mapped.clone();
    pub[12] = 93;
    pub[13] = (byte) 184;
    pub[14] = (byte) 216;
    pub[15] = 34;
    assertThat(p.refuseAddress(url, Inet6Address.getByAddress("tool.example.com", pub, -1))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::c0a8:101", "64:ff9b::a9fe:a9fe", "64:ff9b::6440:1",
      "64:ff9b::1", "64:ff9b::ffff:ffff",                                  // NAT64 of 127.0.0.1, 10/8, …, 0/8, 255/8
      "2002:7f00:1::", "2002:c0a8:101::1", "2002:a9fe:a9fe::1", "2002:ac10::1", "2002:6440:1::",   // 6to4
      "::127.0.0.1", "::10.0.0.1", "::169.254.169.254", "::8.8.8.8", "::2",   // IPv4-compatible: all of ::/96
      "64:ff9b:1::7f00:1", "64:ff9b:1::808:808", "64:ff9b:1:808:8:800::"})   // local-use NAT64: all of it
  void anIpv6AddressCarryingAnInternalIpv4AddressIsRefused(String internal) {
    InetAddress address = addr("tool.example.com", internal);
    assertThat(address).as("the IPv6 path is the one tested").isInstanceOf(Inet6Address.class);
    HostPolicy p = new HostPolicy(List.of("tool.example.com"));
    URI url = URI.create("http://tool.example.com/hook");
    assertThat(p.refuseAddress(url, address))
        .hasValueSatisfying(why -> assertThat(why).contains("internal address"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"64:ff9b::808:808", "64:ff9b::5db8:d822", "2002:808:808::1", "2002:5db8:d822:1::2",
      "2002:808:808::7f00:1"})   // 6to4 carries its IPv4 in bytes 2..5, not in the last four
  void anIpv6AddressCarryingAPublicIpv4AddressIsAllowed(String pub) {
    HostPolicy p = new HostPolicy(List.of("tool.example.com"));
    URI url = URI.create("http://tool.example.com/hook");
    assertThat(p.refuseAddress(url, addr("tool.example.com", pub))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1",
      "192.169.0.1", "2606:2800:220:1:248:1893:25c8:1946"})
  void publicAddressesOfAnAllowListedHostAreAllowed(String pub) {
    HostPolicy p = new HostPolicy(List.of("tool.example.com"));
    URI url = URI.create("http://tool.example.com/hook");
    assertThat(p.refuseAddress(url, addr("tool.example.com", pub))).isEmpty();
  }

  @Test void anInternalAddressIsAllowedWhenTheUrlNamesItLiterallyAndTheLiteralIsListed() {
    HostPolicy p = new HostPolicy(List.of("127.0.0.1:8080", "10.1.2.3"));
    URI loop = URI.create("http://127.0.0.1:8080/hook");
    assertThat(p.refuseUrl(loop)).isEmpty();
    assertThat(p.refuseAddress(loop, addr(null, "127.0.0.1"))).isEmpty();
    URI priv = URI.create("http://10.1.2.3:9000/hook");
    assertThat(p.refuseUrl(priv)).isEmpty();
    assertThat(p.refuseAddress(priv, addr(null, "10.1.2.3"))).isEmpty();
    // listing one internal literal allows that literal only
    URI otherPort = URI.create("http://127.0.0.1:8081/hook");
    assertThat(p.refuseUrl(otherPort)).isPresent();
  }

  @Test void aListedIpv6LiteralIsAllowed() {
    // "unless the URL names that address literally and the literal is on the allow-list"
    HostPolicy p = new HostPolicy(List.of("[::1]:8080"));
    URI url = URI.create("http://[::1]:8080/hook");
    assertThat(p.refuseUrl(url)).isEmpty();
    assertThat(p.refuseAddress(url, addr(null, "::1"))).as("literal [::1] listed as [::1]:8080").isEmpty();
  }

  @Test void aListedHostnameIsNotTheLiteralEvenWhenItResolvesToLoopback() {
    HostPolicy p = new HostPolicy(List.of("localhost", "localhost:8080"));
    URI url = URI.create("http://localhost:8080/hook");
    assertThat(p.refuseUrl(url)).isEmpty();
    assertThat(p.refuseAddress(url, addr("localhost", "127.0.0.1"))).isPresent();
    assertThat(p.refuseAddress(url, addr("localhost", "::1"))).isPresent();
  }

  @Test void anotherSpellingOfAListedLiteralIsNotTheLiteral() {
    // 127.0.0.1 is listed; a decimal, short or IPv4-mapped spelling of it names another "host"
    HostPolicy p = new HostPolicy(List.of("127.0.0.1"));
    for (String url : List.of("http://2130706433/", "http://127.1/", "http://[::ffff:127.0.0.1]/", "http://0x7f000001/",
        "http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/")) {
      URI u = URI.create(url);
      boolean refusedUpFront = p.refuseUrl(u).isPresent();
      boolean refusedAfterLookup = !refusedUpFront && p.refuseAddress(u, addr(null, "127.0.0.1")).isPresent();
      assertThat(refusedUpFront || refusedAfterLookup).as(url).isTrue();
    }
  }
}
