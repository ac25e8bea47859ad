package dev.sentinel.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chaos test's partition proxy against a real redis-server: each mode does what it says, and is in force on return. */
class TcpProxyTest {

  static RedisServerProcess redis;

  @BeforeAll static void start() { redis = RedisServerProcess.start(); }

  @AfterAll static void stop() { redis.close(); }

  @Test void passForwardsCommandsAndReplies() throws IOException {
    try (TcpProxy proxy = TcpProxy.start("t-pass", redis.port()); Socket s = connect(proxy.port())) {
      assertThat(send(s, "PING")).isEqualTo("+PONG");
    }
  }

  @Test void aStallHoldsCommandsOnOpenAndNewConnectionsAndDeliversThemOnHeal() throws IOException {
    try (TcpProxy proxy = TcpProxy.start("t-stall", redis.port()); Socket open = connect(proxy.port());
         Socket direct = connect(redis.port())) {
      assertThat(send(open, "DEL stalled")).startsWith(":");
      proxy.stall();
      write(open, "INCR stalled");
      try (Socket later = connect(proxy.port())) {   // accepted, but nothing goes through
        write(later, "INCR stalled");
        assertThatThrownBy(() -> read(open)).isInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(() -> read(later)).isInstanceOf(SocketTimeoutException.class);
        assertThat(send(direct, "GET stalled")).as("Redis saw none of the stalled commands").isEqualTo("$-1");

        proxy.heal();
        assertThat(read(open)).isIn(":1", ":2");
        assertThat(read(later)).isIn(":1", ":2");
        assertThat(send(direct, "GET stalled")).isEqualTo("$1");
      }
      assertThat(send(open, "PING")).isEqualTo("+PONG");
    }
  }

  @Test void aDropResetsOpenConnectionsAndEveryNewOneUntilHealed() throws IOException {
    try (TcpProxy proxy = TcpProxy.start("t-drop", redis.port()); Socket open = connect(proxy.port())) {
      assertThat(send(open, "PING")).isEqualTo("+PONG");
      proxy.drop();
      assertThatThrownBy(() -> send(open, "PING")).isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class);
      try (Socket refused = connect(proxy.port())) {
        assertThatThrownBy(() -> send(refused, "PING")).isInstanceOf(SocketException.class);
      }
      assertThat(proxy.connectionsReset()).isGreaterThanOrEqualTo(2);

      proxy.heal();
      try (Socket again = connect(proxy.port())) {
        assertThat(send(again, "PING")).isEqualTo("+PONG");
      }
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(500);
    return s;
  }

  /** One inline command and its one-line reply (for a bulk string, its header: "$-1", "$1"). */
  private static String send(Socket s, String command) throws IOException {
    write(s, command);
    return read(s);
  }

  private static void write(Socket s, String command) throws IOException {
    s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  private static String read(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) throw new SocketException("connection closed");
      if (c == '\r') continue;
      if (c == '\n') break;
      line.append((char) c);
    }
    if (line.charAt(0) == '$' && !"$-1".contentEquals(line)) {   // skip the bulk string's body line
      while (in.read() != '\n') { /* body */ }
    }
    return line.toString();
  }
}
