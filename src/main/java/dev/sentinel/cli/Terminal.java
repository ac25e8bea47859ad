package dev.sentinel.cli;

import java.io.PrintStream;

/**
 * Where a command writes: colour only on a terminal and never with NO_COLOR set
 * (https://no-color.org); lines fitted to the terminal's width (COLUMNS, else 80).
 */
final class Terminal {

  private final PrintStream out;
  private final boolean interactive;
  private final boolean colour;
  private final int width;

  Terminal(PrintStream out, boolean interactive, String noColor, String columns) {
    this.out = out;
    this.interactive = interactive;
    this.colour = interactive && (noColor == null || noColor.isEmpty());
    int w = 80;
    try {
      if (columns != null) w = Math.max(40, Integer.parseInt(columns.trim()));
    } catch (NumberFormatException e) {
      // keep 80
    }
    this.width = w;
  }

  static Terminal system() {
    return new Terminal(System.out, System.console() != null, System.getenv("NO_COLOR"), System.getenv("COLUMNS"));
  }

  boolean interactive() { return interactive; }

  int width() { return width; }

  void line(String s) { out.println(fit(s)); }

  /** Rewrites the current line on a terminal (a progress bar); elsewhere prints it as a line of its own. */
  void redraw(String s) {
    if (interactive) {
      out.print("\r\033[2K" + fit(s));
      out.flush();
    } else {
      out.println(s);
    }
  }

  /** Ends a line that {@link #redraw} was rewriting. */
  void endRedraw() {
    if (interactive) out.println();
  }

  /** The whole text, unfitted (JSON for scripts must never be cut). */
  void raw(String s) { out.println(s); }

  String green(String s) { return paint("32", s); }

  String red(String s) { return paint("31", s); }

  String yellow(String s) { return paint("33", s); }

  String dim(String s) { return paint("2", s); }

  /** The colour of a task status. */
  String status(String status) {
    if (status == null) return "";
    return switch (status) {
      case "completed" -> green(status);
      case "failed", "cancelled" -> red(status);
      case "waiting", "paused", "retrying", "scheduled" -> yellow(status);
      default -> status;
    };
  }

  private String paint(String code, String s) {
    return colour ? "\033[" + code + "m" + s + "\033[0m" : s;
  }

  /** Cut to the width, counting only visible characters (colour codes take none). */
  private String fit(String s) {
    StringBuilder out = new StringBuilder();
    int visible = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\033') {
        int end = s.indexOf('m', i);
        if (end < 0) break;
        out.append(s, i, end + 1);
        i = end;
        continue;
      }
      if (visible == width - 1 && i < s.length() - 1 && visibleAfter(s, i) > 1) {
        out.append('…');
        if (colour) out.append("\033[0m");
        return out.toString();
      }
      out.append(c);
      visible++;
    }
    return out.toString();
  }

  private static int visibleAfter(String s, int from) {
    int n = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\033') {
        int end = s.indexOf('m', i);
        if (end < 0) break;
        i = end;
      } else {
        n++;
      }
    }
    return n;
  }
}
