package dev.sentinel.testing;

/** Text for test reports: plain printable ASCII, whatever a response or a key held. */
public final class Ascii {

  private Ascii() {}

  /** Non-printable and non-ASCII characters as {@code \\uXXXX}; cut after {@code max} characters. */
  public static String clip(String s, int max) {
    StringBuilder b = new StringBuilder();
    int n = Math.min(s.length(), max);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    if (s.length() > max) b.append("...(").append(s.length()).append(" chars)");
    return b.toString();
  }
}
