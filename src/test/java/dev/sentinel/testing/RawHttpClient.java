package dev.sentinel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 written by hand on a loopback socket, one connection per request. It sends what
 * {@link HttpClient} refuses to: malformed percent escapes, raw UTF-8 in the
 * request target and in header values, any method name. Reads the status line, the headers and
 * the body (by Content-Length, chunked, or to the end); of an event stream only the head.
 */
public final class RawHttpClient {

  /** What the server answered; header names lower case. */
  public record Answer(int status, String contentType, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }

  private final int port;
  private final int answerWithinMs;

  public RawHttpClient(int port, int answerWithinMs) {
    this.port = port;
    this.answerWithinMs = answerWithinMs;
  }

  /**
   * Sends the request as given (the target is written as it is, not encoded) and reads the
   * answer. A POST without a body says Content-Length: 0.
   *
   * @throws IllegalStateException when the connection fails or closes before a whole answer
   */
  public Answer send(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
      s.setSoTimeout(answerWithinMs);
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      head.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n").getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, String> h : headers) {
        head.writeBytes((h.getKey() + ": " + h.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      if (body != null || method.equals("POST")) {
        head.writeBytes(("Content-Length: " + (body == null ? 0 : body.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      head.writeBytes("Connection: close\r\n\r\n".getBytes(StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      out.write(head.toByteArray());
      if (body != null) {
        try {
          out.write(body);
        } catch (IOException e) {
          // the server may answer (413) and close before it has read everything; read the answer
        }
      }
      out.flush();
      return read(s.getInputStream(), method.equals("HEAD"));
    } catch (IOException e) {
      throw new IllegalStateException(e.toString());
    }
  }

  private static Answer read(InputStream in, boolean head) throws IOException {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    int state = 0;   // how much of CR LF CR LF has been seen
    while (state < 4) {
      int c = in.read();
      if (c < 0) throw new IOException("connection closed before the end of the response head (" + h + ")");
      h.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
          : c == '\r' ? 1 : 0;
    }
    String[] lines = h.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new TreeMap<>();
    String contentType = null;
    long length = -1;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon < 0) continue;
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      headers.computeIfAbsent(name, x -> new ArrayList<>()).add(value);
      if (name.equals("content-type")) contentType = value;
      if (name.equals("content-length")) length = Long.parseLong(value);
      if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
    }
    if (head || (contentType != null && contentType.startsWith("text/event-stream"))) {
      return new Answer(status, contentType, headers, "");
    }
    byte[] body;
    if (length >= 0) {
      body = in.readNBytes((int) length);
    } else if (chunked) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = readLine(in).split(";")[0].trim();
        int n = Integer.parseInt(size, 16);
        if (n == 0) break;
        b.writeBytes(in.readNBytes(n));
        readLine(in);
      }
      body = b.toByteArray();
    } else {
      body = in.readAllBytes();
    }
    return new Answer(status, contentType, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') b.append((char) c);
    if (c < 0) throw new IOException("connection closed inside a chunked body");
    return b.toString();
  }
}
