package dev.sentinel.http.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.sentinel.testing.Ascii.clip;

/**
 * The boundaries of a pattern of the shape the contract uses: {@code ^}, then literals and
 * character classes each with an optional quantifier ({@code ?}, {@code {n}}, {@code {n,m}}),
 * then {@code $} ({@code ^[tg]?-?[0-9]{1,19}:[A-Za-z0-9_.-]{1,128}$}, say). From it: the
 * shortest and the longest strings it allows, each atom one repetition short of its minimum and
 * one past its maximum, and each atom given a character from outside it. Which of those the
 * pattern accepts is for {@link SchemaRules} to say; this only makes them.
 */
final class PatternShape {

  /** Characters tried where a class does not allow them: separators, escapes, non-ASCII, controls. */
  private static final String[] OUTSIDERS = {" ", "/", ":", "%", "\u00e9", "*", "\u0000", "Z", "+", "\ud83d\ude00", "~"};
  private static final int OUTSIDERS_PER_ATOM = 3;

  /**
   * One literal or class, repeated min to max times: {@code low} its first character, {@code high}
   * the last of its first range ('9' for [0-9], 'Z' for [A-Za-z0-9]), the one that makes the
   * largest number or the longest-looking id.
   */
  private record Atom(Set<Character> chars, char low, char high, int min, int max) {}

  private final List<Atom> atoms;

  private PatternShape(List<Atom> atoms) {
    this.atoms = atoms;
  }

  /** Empty when the pattern is not of the simple shape (alternation, groups, negated classes, escapes). */
  static Optional<PatternShape> parse(String pattern) {
    if (!pattern.startsWith("^") || !pattern.endsWith("$")) return Optional.empty();
    String p = pattern.substring(1, pattern.length() - 1);
    List<Atom> atoms = new ArrayList<>();
    int i = 0;
    while (i < p.length()) {
      Set<Character> chars = new LinkedHashSet<>();
      char low;
      char high;
      char c = p.charAt(i);
      if (c == '[') {
        int end = p.indexOf(']', i + 1);
        if (end < 0 || p.charAt(i + 1) == '^') return Optional.empty();
        String body = p.substring(i + 1, end);
        if (body.indexOf('\\') >= 0) return Optional.empty();
        low = body.charAt(0);
        high = body.length() > 2 && body.charAt(1) == '-' ? body.charAt(2) : low;
        for (int k = 0; k < body.length(); k++) {
          char x = body.charAt(k);
          if (k + 2 < body.length() && body.charAt(k + 1) == '-') {
            for (char y = x; y <= body.charAt(k + 2); y++) chars.add(y);
            k += 2;
          } else {
            chars.add(x);
          }
        }
        i = end + 1;
      } else if ("()|.+*\\{".indexOf(c) >= 0) {
        return Optional.empty();
      } else {
        chars.add(c);
        low = c;
        high = c;
        i++;
      }
      int min = 1;
      int max = 1;
      if (i < p.length() && p.charAt(i) == '?') {
        min = 0;
        i++;
      } else if (i < p.length() && p.charAt(i) == '{') {
        int end = p.indexOf('}', i);
        String[] nm = p.substring(i + 1, end).split(",", -1);
        if (nm.length == 2 && nm[1].isEmpty()) return Optional.empty();   // {n,}: no maximum to step past
        min = Integer.parseInt(nm[0]);
        max = nm.length == 1 ? min : Integer.parseInt(nm[1]);
        i = end + 1;
      }
      atoms.add(new Atom(chars, low, high, min, max));
    }
    return Optional.of(new PatternShape(atoms));
  }

  /** Labelled strings at and just past the pattern's boundaries (the pattern decides which it allows). */
  List<SchemaValues.Value> boundaries() {
    Set<String> seen = new LinkedHashSet<>();
    List<SchemaValues.Value> out = new ArrayList<>();
    add(out, seen, "shortest", build(-1, -1, false, null));
    add(out, seen, "longest", build(-1, -1, true, null));
    for (int i = 0; i < atoms.size(); i++) {
      Atom a = atoms.get(i);
      if (a.min() > 0) add(out, seen, "atom " + (i + 1) + " repeated " + (a.min() - 1) + " times (min " + a.min() + ")",
          build(i, a.min() - 1, false, null));
      add(out, seen, "atom " + (i + 1) + " repeated " + (a.max() + 1) + " times (max " + a.max() + ")",
          build(i, a.max() + 1, false, null));
      int tried = 0;
      for (String outsider : OUTSIDERS) {
        if (tried == OUTSIDERS_PER_ATOM) break;
        if (outsider.length() == 1 && a.chars().contains(outsider.charAt(0))) continue;
        tried++;
        add(out, seen, "atom " + (i + 1) + " given " + clip(outsider, 10), build(i, Math.max(1, a.min()), false, outsider));
      }
    }
    return out;
  }

  /**
   * Every atom at its minimum (or, longest, its maximum with its highest character), except
   * atom {@code at}, which is repeated {@code count} times, its first repetition {@code outsider}
   * when one is given.
   */
  private String build(int at, int count, boolean longest, String outsider) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < atoms.size(); i++) {
      Atom a = atoms.get(i);
      int n = i == at ? count : longest ? a.max() : a.min();
      char c = longest ? a.high() : a.low();
      for (int k = 0; k < n; k++) b.append(k == 0 && i == at && outsider != null ? outsider : String.valueOf(c));
    }
    return b.toString();
  }

  private static void add(List<SchemaValues.Value> out, Set<String> seen, String label, String value) {
    if (seen.add(value)) out.add(new SchemaValues.Value("pattern: " + label, value));
  }
}
