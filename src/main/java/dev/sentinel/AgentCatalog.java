package dev.sentinel;

import dev.sentinel.agent.AgentLoader;
import dev.sentinel.agentloop.AgentNodeHandler;
import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.agent.NodeKinds;
import dev.sentinel.agent.NoopAgent;
import dev.sentinel.agent.YamlAgent;
import dev.sentinel.config.Role;
import dev.sentinel.config.SentinelConfig;
import dev.sentinel.cost.PriceTable;
import dev.sentinel.llm.LlmClient;
import dev.sentinel.llm.LlmNodeHandler;
import dev.sentinel.llm.MockLlmClient;
import dev.sentinel.llm.OpenAiClient;
import dev.sentinel.tools.HttpTool;
import dev.sentinel.tools.HttpToolNodeHandler;
import dev.sentinel.tools.ToolCatalog;
import dev.sentinel.tools.mcp.McpServers;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a node can run: the node kinds (built in, with their clients and the tools agent
 * nodes offer: http and the MCP servers' tools, plus plugins found with ServiceLoader) and the agents (noop, the YAML ones shipped in the jar, those in
 * agents.dir). Built once at start-up; a broken definition stops the node with its reason.
 */
public final class AgentCatalog {

  private static final System.Logger LOG = System.getLogger(AgentCatalog.class.getName());

  private AgentCatalog() {}

  public static AgentRegistry load(Vertx vertx, SentinelConfig cfg) {
    PriceTable prices = PriceTable.load(cfg.agents().pricingFile());
    LlmClient llm = cfg.llm().useMock() ? new MockLlmClient(vertx) : new OpenAiClient(vertx, cfg.llm());
    LlmNodeHandler llmNode = new LlmNodeHandler(llm, prices);
    HttpToolNodeHandler http = new HttpToolNodeHandler(vertx, cfg.agents().httpAllowedHosts(), cfg.agents().httpTimeoutMs());
    McpServers mcp = new McpServers(vertx, cfg.agents().mcpServers(), System::getenv);
    // only nodes that run agents talk to MCP servers (an API-only node needs the graphs, not the tools)
    if (cfg.roles().contains(Role.WORKER)) mcp.discoverInBackground();
    NodeKinds kinds = NodeKinds.builtIn()
        .register(llmNode)
        .register(http)
        .register(new AgentNodeHandler(llmNode, new ToolCatalog(List.of(new HttpTool(http)), mcp)))
        .withPlugins();
    AgentRegistry registry = new AgentRegistry(kinds).register(new NoopAgent());
    AgentLoader loader = new AgentLoader(kinds, prices);
    for (YamlAgent a : loader.loadBuiltIn()) registry.register(a);
    if (!cfg.agents().dir().isBlank()) {
      for (YamlAgent a : loader.loadDirectory(Path.of(cfg.agents().dir()))) registry.register(a);
    }
    LOG.log(System.Logger.Level.INFO, "agents " + registry.names() + "; LLM provider " + cfg.llm().providerChoice()
        + "; prices " + prices.version());
    return registry;
  }
}
