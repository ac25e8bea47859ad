package dev.sentinel.tools;

import dev.sentinel.tools.mcp.McpServers;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every tool this node can offer a model: the built-in {@code http} tool and the tools of the
 * configured MCP servers, named {@code <server>__<tool>} (OpenAI function names allow letters,
 * digits, _ and -). An agent node picks its tools by name or glob pattern ({@code *} any
 * characters): {@code ["http", "everything__*"]}, {@code ["*__*"]} for every MCP tool.
 */
public final class ToolCatalog {

  private final List<Tool> builtIn;
  private final McpServers mcp;

  public ToolCatalog(List<Tool> builtIn, McpServers mcp) {
    this.builtIn = List.copyOf(builtIn);
    this.mcp = mcp;
  }

  /** The tools whose names match one of {@code patterns}, built-in first, then by server and the server's order. */
  public Future<List<Tool>> matching(List<String> patterns) {
    List<Pattern> globs = patterns.stream().map(ToolCatalog::glob).toList();
    return mcp.tools().map(discovered -> {
      List<Tool> out = new ArrayList<>();
      for (Tool t : builtIn) if (matches(globs, t.name())) out.add(t);
      for (Tool t : discovered) if (matches(globs, t.name())) out.add(t);
      return out;
    });
  }

  /**
   * The tool named {@code name} if {@code patterns} offer it: empty when they do not or no such
   * tool exists; failed when it belongs to an MCP server that cannot be reached now.
   */
  public Future<Optional<Tool>> find(List<String> patterns, String name) {
    if (!matches(patterns.stream().map(ToolCatalog::glob).toList(), name)) return Future.succeededFuture(Optional.empty());
    Optional<Tool> builtin = builtIn.stream().filter(t -> t.name().equals(name)).findFirst();
    return builtin.isPresent() ? Future.succeededFuture(builtin) : mcp.find(name);
  }

  private static boolean matches(List<Pattern> globs, String name) {
    return globs.stream().anyMatch(g -> g.matcher(name).matches());
  }

  static Pattern glob(String pattern) {
    List<String> parts = new ArrayList<>();
    for (String part : pattern.split("\\*", -1)) parts.add(Pattern.quote(part));
    return Pattern.compile(String.join(".*", parts));
  }
}
