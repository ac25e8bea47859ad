package dev.sentinel.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/**
 * The negative control's broken build, made in the test only: a copy of the jar's
 * {@code lua/_lib.lua} whose {@code fence_fields} never answers STALE (nor FINISHED): any write to a
 * task that exists and is not cancelled is accepted, as if fencing did not exist. It is written to a directory
 * that goes on a worker's classpath before the jar (so LuaScript loads it instead). Production
 * code has no switch for this.
 *
 * <p>The edit is an exact text replacement, and it must happen: if someone rewrites the fence
 * check in _lib.lua, this fails loudly instead of quietly running the control with fencing on.
 */
final class FencingDisabledLib {

  /** The fence check of fence_fields, as _lib.lua has it: the caller's (epoch, claim) must be the task's. */
  static final String FENCE_CHECK = "if m[2] == epoch and m[3] == claim then";
  /**
   * Put in front of the check: every worker write to a task that exists and is not cancelled is
   * accepted, whatever its (epoch, claim) and the task's status (NOT_FOUND and CANCELLED still answer).
   */
  static final String NO_FENCE = "if m[1] and m[1] ~= CANCELLED then return 'OK' end -- chaos negative control: fencing disabled\n  "
      + FENCE_CHECK;

  private FencingDisabledLib() {}

  /** @return the directory to put on the classpath before the jar */
  static Path write(Path jar) throws IOException {
    String original = readFromJar(jar);
    int at = original.indexOf(FENCE_CHECK);
    if (at < 0 || original.indexOf(FENCE_CHECK, at + 1) >= 0) {
      throw new IllegalStateException("lua/_lib.lua no longer holds exactly one fence check '" + FENCE_CHECK
          + "': update FencingDisabledLib, or the negative control would test nothing");
    }
    String broken = original.replace(FENCE_CHECK, NO_FENCE);
    Path dir = Files.createTempDirectory("sentinel-no-fencing-");
    Files.createDirectories(dir.resolve("lua"));
    Files.writeString(dir.resolve("lua/_lib.lua"), broken);
    return dir;
  }

  /** From the jar the workers run, not this test's classpath, so both are the same build. */
  private static String readFromJar(Path jar) throws IOException {
    try (var zip = new ZipFile(jar.toFile())) {
      var entry = zip.getEntry("lua/_lib.lua");
      if (entry == null) throw new IllegalStateException(jar + " has no lua/_lib.lua");
      try (InputStream in = zip.getInputStream(entry)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }
}
