package dev.sentinel.cli;

import dev.sentinel.client.model.TenantLimits;
import dev.sentinel.client.model.TenantLimitsUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code limits TENANT [--set k=v ...]}: a tenant's limits (GET), or changes to them (PUT, admin):
 * the names are the API's (submit_rate, submit_burst, max_queued, max_running, daily_budget_usd,
 * llm_rpm, llm_tpm); {@code null} gives a limit back to the configured default.
 */
@Command(name = "limits", description = "Show or --set a tenant's limits.")
final class LimitsCommand implements Callable<Integer> {

  @ParentCommand SentinelCli root;
  @Parameters(paramLabel = "TENANT") String tenant;
  @Option(names = "--set", description = "name=value, e.g. max_running=4 or daily_budget_usd=null") List<String> set;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    TenantLimits limits;
    if (set == null || set.isEmpty()) {
      limits = c.tenants().getTenantLimits(tenant);
    } else {
      // through the model, so a name the API does not know is refused here rather than dropped
      TenantLimitsUpdate update = c.json().convertValue(Params.of(c.json(), null, set), TenantLimitsUpdate.class);
      if (update.getAdditionalProperties() != null && !update.getAdditionalProperties().isEmpty()) {
        throw new IllegalArgumentException("unknown limit(s) " + update.getAdditionalProperties().keySet()
            + "; known: submit_rate, submit_burst, max_queued, max_running, daily_budget_usd, llm_rpm, llm_tpm");
      }
      limits = c.tenants().putTenantLimits(tenant, update);
    }
    if (root.json()) {
      root.terminal().raw(c.json().writeValueAsString(limits));
      return ExitCode.OK;
    }
    Terminal t = root.terminal();
    t.line("tenant " + tenant + (limits.getOwn() == null || limits.getOwn().isEmpty() ? " (defaults)" : " (own: "
        + String.join(", ", limits.getOwn()) + ")"));
    t.line("  submit_rate       " + limits.getSubmitRate() + "/s, burst " + limits.getSubmitBurst());
    t.line("  max_queued        " + limits.getMaxQueued());
    t.line("  max_running       " + limits.getMaxRunning());
    t.line("  daily_budget_usd  " + limits.getDailyBudgetUsd() + " (" + limits.getDailyBudgetSource() + ")");
    t.line("  llm_rpm, llm_tpm  " + limits.getLlmRpm() + ", " + limits.getLlmTpm());
    return ExitCode.OK;
  }
}
