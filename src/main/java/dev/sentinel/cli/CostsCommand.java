package dev.sentinel.cli;

import dev.sentinel.client.model.TenantCosts;
import dev.sentinel.client.model.TenantCostsDaysInner;
import dev.sentinel.client.model.TenantCostsModelsInner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code costs TENANT}: a tenant's LLM spend, per day and per model. */
@Command(name = "costs", description = "A tenant's LLM spend per day and model.")
final class CostsCommand implements Callable<Integer> {

  @ParentCommand SentinelCli root;
  @Parameters(paramLabel = "TENANT") String tenant;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    TenantCosts costs = c.tenants().getTenantCosts(tenant, null, null);
    if (root.json()) {
      root.terminal().raw(c.json().writeValueAsString(costs));
      return ExitCode.OK;
    }
    Terminal t = root.terminal();
    t.line("tenant " + tenant + ": " + TaskFollower.usd(costs.getTotalCostUsd()) + " over " + costs.getTaskCount() + " task(s)");
    if (costs.getDays() != null) for (TenantCostsDaysInner d : costs.getDays()) t.line("  " + d.getDate() + "  " + TaskFollower.usd(d.getCostUsd()));
    if (costs.getModels() != null) {
      for (TenantCostsModelsInner m : costs.getModels()) t.line("  " + m.getModel() + "  " + m.getCalls() + " call(s)  " + TaskFollower.usd(m.getCostUsd()));
    }
    return ExitCode.OK;
  }
}
