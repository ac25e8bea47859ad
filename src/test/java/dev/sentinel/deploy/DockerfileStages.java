package dev.sentinel.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The instructions of a Dockerfile's first (build) stage that read the build context: its
 * {@code COPY}/{@code ADD} lines without {@code --from}, and its {@code RUN} commands. Line
 * continuations are joined; JSON-array forms are not used by our Dockerfile and not read.
 */
record DockerfileStages(List<Copy> buildStageCopies, List<String> buildStageRuns, List<String> instructions) {

  /** {@code COPY src... dest}: sources relative to the context, the destination relative to WORKDIR. */
  record Copy(List<String> sources, String destination) {}

  static DockerfileStages read(Path dockerfile) {
    List<String> instructions = new ArrayList<>();
    try {
      StringBuilder current = new StringBuilder();
      for (String line : Files.readAllLines(dockerfile)) {
        String t = line.strip();
        if (current.isEmpty() && (t.isEmpty() || t.startsWith("#"))) continue;
        if (t.endsWith("\\")) {
          current.append(t, 0, t.length() - 1).append(' ');
          continue;
        }
        current.append(t);
        instructions.add(current.toString());
        current.setLength(0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Copy> copies = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    int stages = 0;
    for (String instruction : instructions) {
      String[] words = instruction.split("\\s+");
      String keyword = words[0].toUpperCase();
      if (keyword.equals("FROM")) stages++;
      if (stages != 1) continue;
      if ((keyword.equals("COPY") || keyword.equals("ADD")) && !instruction.contains("--from=")) {
        List<String> args = new ArrayList<>();
        for (int i = 1; i < words.length; i++) if (!words[i].startsWith("--")) args.add(words[i]);
        copies.add(new Copy(List.copyOf(args.subList(0, args.size() - 1)), args.get(args.size() - 1)));
      } else if (keyword.equals("RUN")) {
        runs.add(instruction.substring(3).strip());
      }
    }
    return new DockerfileStages(List.copyOf(copies), List.copyOf(runs), List.copyOf(instructions));
  }
}
