package dev.sentinel.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files a {@code docker build} of a directory sends as its context, by the rules of its
 * {@code .dockerignore}: patterns in Go's filepath.Match syntax plus {@code **}, relative to the
 * context root, a pattern that matches a directory excluding everything below it, {@code !}
 * re-including, and the last matching line winning. Written from Docker's documentation; enough
 * for the patterns a repository writes (no character classes).
 */
final class DockerIgnore {

  private record Rule(Pattern pattern, boolean include) {}

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
  }

  static DockerIgnore read(Path file) {
    try {
      return parse(Files.exists(file) ? Files.readAllLines(file) : List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static DockerIgnore parse(List<String> lines) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      boolean include = line.startsWith("!");
      if (include) line = line.substring(1).strip();
      line = line.replaceAll("^/+", "").replaceAll("/+$", "");
      rules.add(new Rule(Pattern.compile(regex(line)), include));
    }
    return new DockerIgnore(rules);
  }

  /** Whether the file at this slash-separated path, relative to the context root, is left out. */
  boolean excludes(String path) {
    boolean excluded = false;
    for (Rule rule : rules) {
      if (matchesItselfOrAParent(rule.pattern(), path)) excluded = !rule.include();
    }
    return excluded;
  }

  /** The regular files of the context, as slash-separated relative paths, sorted. */
  List<String> contextFiles(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !excludes(p))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean matchesItselfOrAParent(Pattern pattern, String path) {
    if (pattern.matcher(path).matches()) return true;
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      if (pattern.matcher(path.substring(0, slash)).matches()) return true;
    }
    return false;
  }

  private static String regex(String glob) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        // "**/" matches any number of directories, including none
        boolean dirs = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
        out.append(dirs ? "(?:.*/)?" : ".*");
        i += dirs ? 2 : 1;
      } else if (c == '*') {
        out.append("[^/]*");
      } else if (c == '?') {
        out.append("[^/]");
      } else if (c == '\\' && i + 1 < glob.length()) {
        out.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
      } else {
        out.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return out.toString();
  }
}
