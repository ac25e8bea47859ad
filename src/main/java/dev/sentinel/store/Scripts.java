package dev.sentinel.store;

/**
 * The scripts, one per operation. The task's state machine is lua/*.lua (one file per
 * transition); lua/ledger/ holds the cost and rate-limit scripts, lua/queries/ the read-only ones.
 */
public record Scripts(LuaScript submit, LuaScript claim, LuaScript renew, LuaScript commitSteps,
                      LuaScript fail, LuaScript park, LuaScript release, LuaScript expireLeases,
                      LuaScript promoteDelayed, LuaScript resumePaused, LuaScript applyRetention, LuaScript cancel,
                      LuaScript retry, LuaScript listTasks, LuaScript recordCall, LuaScript checkBudget,
                      LuaScript reserveModel, LuaScript settleModel, LuaScript releaseBudget,
                      LuaScript queueStats, LuaScript enterWait, LuaScript provideInput,
                      LuaScript replay, LuaScript agentVersion) {

  public static Scripts load() {
    return new Scripts(LuaScript.load("submit"), LuaScript.load("claim"), LuaScript.load("renew"),
        LuaScript.load("commit_steps"), LuaScript.load("fail"), LuaScript.load("park"),
        LuaScript.load("release"), LuaScript.load("expire_leases"), LuaScript.load("promote_delayed"),
        LuaScript.load("resume_paused"), LuaScript.load("apply_retention"), LuaScript.load("cancel"),
        LuaScript.load("retry"), LuaScript.load("queries/list_tasks"), LuaScript.load("ledger/record_call"),
        LuaScript.load("ledger/check_budget"), LuaScript.load("ledger/reserve_model"),
        LuaScript.load("ledger/settle_model"), LuaScript.load("ledger/release_budget"),
        LuaScript.load("queries/queue_stats"), LuaScript.load("wait"), LuaScript.load("provide_input"),
        LuaScript.load("replay"), LuaScript.load("agent_version"));
  }

  public LuaScript[] all() {
    return new LuaScript[] {submit, claim, renew, commitSteps, fail, park, release, expireLeases, promoteDelayed,
        resumePaused, applyRetention, cancel, retry, listTasks, recordCall, checkBudget, reserveModel, settleModel,
        releaseBudget, queueStats, enterWait, provideInput, replay, agentVersion};
  }
}
