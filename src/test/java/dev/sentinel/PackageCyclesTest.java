package dev.sentinel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages by capability form no cycle: each depends on lower ones only (the next engineer can
 * read a package with what it builds on, and change it without the ones above). Dependencies are
 * read from the sources: every {@code dev.sentinel.<package>} a file names, in imports or inline.
 */
class PackageCyclesTest {

  private static final Pattern NAMED = Pattern.compile("\\bdev\\.sentinel\\.([a-z]+)\\.");

  @Test void thePackagesFormNoCycle() throws IOException {
    Path root = Path.of("src/main/java/dev/sentinel");
    Map<String, Set<String>> uses = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Path rel = root.relativize(f);
        if (rel.getNameCount() < 2) continue;   // the root package wires everything: it may use all
        String pkg = rel.getName(0).toString();
        Matcher m = NAMED.matcher(Files.readString(f));
        while (m.find()) if (!m.group(1).equals(pkg)) uses.computeIfAbsent(pkg, k -> new TreeSet<>()).add(m.group(1));
      }
    }
    assertThat(uses).as("the packages' dependencies were read").containsKeys("worker", "http", "store");
    List<String> cycles = new ArrayList<>();
    for (String start : uses.keySet()) findCycle(start, start, uses, new ArrayList<>(List.of(start)), cycles);
    assertThat(cycles).as("package dependencies: " + uses).isEmpty();
  }

  private static void findCycle(String start, String at, Map<String, Set<String>> uses, List<String> path, List<String> cycles) {
    for (String next : uses.getOrDefault(at, Set.of())) {
      if (next.equals(start)) {
        cycles.add(String.join(" -> ", path) + " -> " + start);
      } else if (!path.contains(next) && next.compareTo(start) > 0) {   // each cycle once, from its smallest package
        path.add(next);
        findCycle(start, next, uses, path, cycles);
        path.remove(path.size() - 1);
      }
    }
  }
}
