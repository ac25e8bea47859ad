package dev.sentinel.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A scrape in the Prometheus text format (0.0.4), read the way tests ask about it: which metric
 * families there are (their {@code # TYPE} lines), and the sum of the samples of a name whose
 * labels include the given ones.
 */
public final class PrometheusText {

  /** One sample line: {@code name{labels} value}. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final Map<String, String> types;
  private final List<Sample> samples;

  private PrometheusText(Map<String, String> types, List<Sample> samples) {
    this.types = types;
    this.samples = samples;
  }

  public static PrometheusText parse(String text) {
    Map<String, String> types = new TreeMap<>();
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.substring(7).trim().split(" ");
        types.put(p[0], p[1]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        samples.add(sample(line));
      }
    }
    return new PrometheusText(types, samples);
  }

  /** name, optional {k="v",...} (values may hold escaped quotes, commas and braces), a space, the value. */
  static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (brace < 0 || brace > space) {
      return new Sample(line.substring(0, space), Map.of(), Double.parseDouble(line.substring(space + 1).trim().split(" ")[0]));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    int i = brace + 1;
    while (line.charAt(i) != '}') {
      int eq = line.indexOf('=', i);
      String key = line.substring(i, eq);
      StringBuilder value = new StringBuilder();
      int j = eq + 2;   // past ="
      for (; line.charAt(j) != '"'; j++) {
        char c = line.charAt(j);
        if (c == '\\') {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (line.charAt(i) == ',') i++;
    }
    String rest = line.substring(i + 1).trim();
    return new Sample(line.substring(0, brace), labels, Double.parseDouble(rest.split(" ")[0]));
  }

  /** Family name (as its # TYPE line names it) to its type: counter, gauge, histogram, ... */
  public Map<String, String> types() { return types; }

  public List<Sample> samples() { return samples; }

  /** The families whose name starts with {@code prefix}. */
  public Set<String> families(String prefix) {
    Set<String> out = new TreeSet<>();
    for (String f : types.keySet()) if (f.startsWith(prefix)) out.add(f);
    return out;
  }

  /** The label names the samples of a family carry ({@code le} of histogram buckets left out). */
  public Set<String> labelNames(String family) {
    Set<String> out = new TreeSet<>();
    boolean histogram = "histogram".equals(types.get(family)) || "summary".equals(types.get(family));
    for (Sample s : samples) {
      String n = s.name();
      boolean part = histogram && (n.equals(family + "_bucket") || n.equals(family + "_count") || n.equals(family + "_sum"));
      if (n.equals(family) || part) out.addAll(s.labels().keySet());
    }
    out.remove("le");
    return out;
  }

  /** The sum of the samples named {@code name} whose labels include {@code labels}; 0 when none. */
  public double sum(String name, Map<String, String> labels) {
    double total = 0;
    for (Sample s : samples) {
      if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) total += s.value();
    }
    return total;
  }

  public double sum(String name) { return sum(name, Map.of()); }
}
