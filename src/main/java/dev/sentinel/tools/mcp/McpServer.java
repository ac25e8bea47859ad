package dev.sentinel.tools.mcp;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import com.fasterxml.jackson.databind.ObjectMapper;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * One MCP server over the streamable HTTP transport, through the official MCP Java SDK's async
 * client. The SDK's calls return Reactor {@code Mono}s that run on the JDK HttpClient's and
 * Reactor's own threads; they are bridged to Vert.x futures completed on the caller's context,
 * so nothing here ever blocks an event loop. The session is opened on first use (a node that
 * runs no agent never connects) and opened again after it failed, so a server that was down at
 * start is found once it is up. Its tools are listed when a session opens and again when the
 * server notifies that they changed.
 */
public final class McpServer {

  private static final Logger LOG = Logger.getLogger(McpServer.class.getName());
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final String name;
  private final URI url;
  private final Map<String, String> headers;
  /** The session being opened or open, with its tool list; null: none yet, or the last one failed. */
  private final AtomicReference<CompletableFuture<Session>> session = new AtomicReference<>();

  /** An open session and the server's tools, replaced when the server says they changed. */
  private record Session(McpAsyncClient client, AtomicReference<List<McpSchema.Tool>> toolList) {
    List<McpSchema.Tool> tools() { return toolList.get(); }
  }

  /** @param headers sent with every request (e.g. Authorization); never logged */
  public McpServer(Vertx vertx, String name, URI url, Map<String, String> headers) {
    this.vertx = vertx;
    this.name = name;
    this.url = url;
    this.headers = Map.copyOf(headers);
  }

  public String name() { return name; }

  public URI url() { return url; }

  /** The server's tools (all pages of tools/list). */
  public Future<List<McpSchema.Tool>> tools() {
    return onContext(session()).map(Session::tools);
  }

  /**
   * Calls a tool; {@code meta} goes as the request's {@code _meta} (the idempotency key, the
   * fencing token). A server restarted meanwhile has forgotten the session; the SDK's transport
   * opens a new one itself (McpServersTest pins that).
   */
  public Future<McpSchema.CallToolResult> call(String tool, Map<String, Object> arguments, Map<String, Object> meta) {
    return onContext(session().thenCompose(s -> s.client().callTool(new McpSchema.CallToolRequest(tool, arguments, meta)).toFuture()));
  }

  /** Closes the session, if one is open (at shutdown). */
  public void close() {
    CompletableFuture<Session> s = session.getAndSet(null);
    if (s != null) s.thenAccept(open -> open.client().closeGracefully().subscribe());
  }

  private CompletableFuture<Session> session() {
    CompletableFuture<Session> current = session.get();
    if (current != null) return current;
    CompletableFuture<Session> opening = new CompletableFuture<>();
    if (!session.compareAndSet(null, opening)) return session.get();
    open().whenComplete((s, e) -> {
      if (e != null) {
        session.compareAndSet(opening, null);   // the next use tries again
        opening.completeExceptionally(new IllegalStateException("MCP server '" + name + "' at " + url + ": " + e.getMessage(), e));
      } else {
        LOG.info("MCP server '" + name + "' at " + url + ": " + s.tools().size() + " tool(s) " + s.tools().stream().map(McpSchema.Tool::name).toList());
        opening.complete(s);
      }
    });
    return opening;
  }

  private CompletableFuture<Session> open() {
    String base = url.getScheme() + "://" + url.getRawAuthority();
    String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/mcp" : url.getRawPath();
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base).endpoint(endpoint)
        .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
        .httpRequestCustomizer((request, method, uri, body, context) -> headers.forEach(request::header))
        .connectTimeout(Duration.ofSeconds(10)).build();
    AtomicReference<List<McpSchema.Tool>> tools = new AtomicReference<>(List.of());
    McpAsyncClient client = McpClient.async(transport).requestTimeout(REQUEST_TIMEOUT).initializationTimeout(REQUEST_TIMEOUT)
        .clientInfo(new McpSchema.Implementation("sentinel", "0.1.0"))
        // notifications/tools/list_changed: the SDK lists them again and hands the new list over
        .toolsChangeConsumer(changed -> {
          tools.set(List.copyOf(changed));
          LOG.info("MCP server '" + name + "': tools changed, now " + changed.stream().map(McpSchema.Tool::name).toList());
          return Mono.empty();
        })
        .build();
    return client.initialize().toFuture()
        .thenCompose(init -> listAll(client, null, new ArrayList<>()))
        .thenApply(listed -> {
          tools.compareAndSet(List.of(), List.copyOf(listed));
          return new Session(client, tools);
        })
        .whenComplete((s, e) -> {
          if (e != null) client.closeGracefully().subscribe();
        });
  }

  private static CompletableFuture<List<McpSchema.Tool>> listAll(McpAsyncClient client, String cursor, List<McpSchema.Tool> into) {
    return client.listTools(cursor).toFuture().thenCompose(page -> {
      into.addAll(page.tools());
      return page.nextCursor() == null || page.nextCursor().isEmpty() ? CompletableFuture.completedFuture(into)
          : listAll(client, page.nextCursor(), into);
    });
  }

  /** Completes on the caller's Vert.x context (an event loop), not on the SDK's threads. */
  private <T> Future<T> onContext(CompletableFuture<T> result) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(result, context);
  }
}
