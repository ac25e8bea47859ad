package dev.sentinel.tools.mcp;

import dev.sentinel.config.SentinelConfig.McpServerSettings;
import dev.sentinel.tools.Tool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The configured MCP servers ({@code mcp.servers}: name → URL, headers) and their tools as {@link Tool}s
 * named {@code <server>__<tool>}. A server that cannot be reached gives no tools for now (logged)
 * rather than failing every agent turn: the agents that use only other tools go on, and the
 * server is asked again at the next turn.
 */
public final class McpServers {

  private static final Logger LOG = Logger.getLogger(McpServers.class.getName());
  public static final String SEPARATOR = "__";

  private final List<McpServer> servers;

  /**
   * @param environment reads the variables that hold header values (System::getenv in a node);
   *                    a variable that is not set is a start-up error naming it
   */
  public McpServers(Vertx vertx, Map<String, McpServerSettings> configured, UnaryOperator<String> environment) {
    List<McpServer> list = new ArrayList<>();
    configured.forEach((name, server) -> {
      Map<String, String> headers = new LinkedHashMap<>();
      server.headerVariables().forEach((header, variable) -> {
        String value = environment.apply(variable);
        if (value == null || value.isBlank()) {
          throw new IllegalArgumentException("mcp.servers." + name + ".headers." + header + ": environment variable " + variable + " is not set");
        }
        headers.put(header, value);
      });
      list.add(new McpServer(vertx, name, URI.create(server.url()), headers));
    });
    this.servers = List.copyOf(list);
  }

  /** Servers with no headers, by URL (tests). */
  public static McpServers of(Vertx vertx, Map<String, String> urls) {
    Map<String, McpServerSettings> configured = new LinkedHashMap<>();
    urls.forEach((name, url) -> configured.put(name, new McpServerSettings(url)));
    return new McpServers(vertx, configured, variable -> null);
  }

  public List<McpServer> servers() { return servers; }

  /** Every tool of every reachable server, in configuration order. */
  public Future<List<Tool>> tools() {
    List<Future<List<Tool>>> each = servers.stream().map(s -> s.tools()
        .<List<Tool>>map(ts -> ts.stream().<Tool>map(t -> new McpTool(s, t)).toList())
        .recover(e -> {
          LOG.warning(e.getMessage() + " (its tools are not offered until it answers)");
          return Future.succeededFuture(List.of());
        })).toList();
    return Future.all(each).map(all -> {
      List<Tool> out = new ArrayList<>();
      for (int i = 0; i < each.size(); i++) out.addAll(all.<List<Tool>>resultAt(i));
      return out;
    });
  }

  /**
   * The tool {@code qualifiedName} ({@code <server>__<tool>}) of a configured server: empty when
   * no configured server or none of its tools has that name; failed when the server cannot be
   * reached now (a call the model asked for is then retried, not answered "no such tool").
   */
  public Future<Optional<Tool>> find(String qualifiedName) {
    // server names hold no _ (the configuration refuses it), so the first __ ends the server's
    int sep = qualifiedName.indexOf(SEPARATOR);
    if (sep <= 0) return Future.succeededFuture(Optional.empty());
    String serverName = qualifiedName.substring(0, sep);
    Optional<McpServer> server = servers.stream().filter(s -> s.name().equals(serverName)).findFirst();
    if (server.isEmpty()) return Future.succeededFuture(Optional.empty());
    return server.get().tools().map(ts -> ts.stream().filter(t -> McpTool.exposedName(serverName, t.name()).equals(qualifiedName))
        .findFirst().<Tool>map(t -> new McpTool(server.get(), t)));
  }

  /** Opens every server's session now, so start-up logs what was found (nobody waits for it). */
  public void discoverInBackground() {
    servers.forEach(s -> s.tools().onFailure(e -> LOG.warning(e.getMessage())));
  }

  public void close() {
    servers.forEach(McpServer::close);
  }
}
